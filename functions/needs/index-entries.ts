import { type Dimension, indexPartition, indexSortKey, NEED_INDEX_ENTITY } from './keys';
import type { Need } from './schemas';

/**
 * The list filters' key design. Every value a need has in a dimension — the tenant (`ALL`), its
 * type, channel, status, customer, each product, each tag — is one index partition
 * (`T#t#NEEDS#<DIMENSION>#<value>`) holding one entry per need, sorted by `<receivedAt>#<id>`. So
 * each filter, with or without a `from`/`to` period, is one Query of one partition, newest first.
 *
 * Why entries in the table and not GSIs: products and tags are sets, and a GSI indexes one value
 * per item; entries written in the need's own transaction are never behind the need (a GSI is
 * eventually consistent), and each reader gets exactly its partition.
 *
 * Each entry is a whole copy of the need (entity `NEED_INDEX`, never `NEED`), so a page is that
 * one Query with no second read; the price is on the write side: every change of a need rewrites
 * its entries (at most 5 + 10 products + 10 tags = 25), and an entry whose value changed is
 * moved (deleted under the old value, written under the new one) in the same transaction.
 *
 * Heat: `ALL` (and a busy status or channel) takes an entry on every write of any of the tenant's
 * needs, at its end (newest receivedAt), where DynamoDB's split for heat cannot help. A transactional
 * write costs 2 WCU per started KB: 2 for a fresh need, 4 for a fulfilled one (~1.1 KB), so one
 * partition's 1,000 WCU/s carry 250–500 need writes per second per tenant. Past that, shard these
 * partitions with a suffix and Query the shards in parallel (README, "Customer needs").
 */
export interface IndexValue {
  dimension: Dimension;
  value?: string;
}

export function indexValues(need: Need): IndexValue[] {
  return [
    { dimension: 'ALL' },
    ...(need.type === undefined ? [] : [{ dimension: 'TYPE' as const, value: need.type }]),
    { dimension: 'CHANNEL', value: need.channel },
    { dimension: 'STATUS', value: need.status },
    { dimension: 'CUSTOMER', value: need.customerId },
    ...(need.productIds ?? []).map((value) => ({ dimension: 'PRODUCT' as const, value })),
    ...(need.tags ?? []).map((value) => ({ dimension: 'TAG' as const, value })),
  ];
}

export const indexKeys = (tenantId: string, need: Need) =>
  indexValues(need).map(({ dimension, value }) => ({
    pk: indexPartition(tenantId, dimension, value),
    sk: indexSortKey(need),
  }));

/** The entries of a need as it is now: its copy under each of its index keys. */
export const indexEntries = (tenantId: string, need: Need) =>
  indexKeys(tenantId, need).map((key) => ({ ...need, ...key, entity: NEED_INDEX_ENTITY, tenantId }));
