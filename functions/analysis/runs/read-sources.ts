import { decodeTime, encodeTime } from 'ulid';
import { REVENUE_STATUSES } from '../../aggregates/catalogue';
import { CUSTOMERS_COLLECTION } from '../../customers/keys';
import { indexPartition } from '../../needs/keys';
import { NEED_STATUSES, type NeedStatus } from '../../needs/lifecycle';
import { statusPartition } from '../../orders/keys';
import { domainTableName } from '../../shared/db/client';
import { collectionKey } from '../../shared/db/keys';
import type { ExpectedCounts } from './read-expected';
import { list, map, num, type PartitionRead, type RawItem, str } from './read-segments';

/**
 * The partitions a run reads, and what it takes from each item:
 * - needs: the needs index's five STATUS partitions (functions/needs/index-entries.ts: each entry
 *   a whole copy of the need, sorted by `<receivedAt>#<id>`), so every need is read once, by status;
 * - orders: the `ordersByStatus` partitions of the six revenue statuses (APPROVED…CLOSED, imported
 *   history included), sorted by `<createdAt>#<id>`. Not the tenant's ORDERS collection: it also
 *   holds the submitted, rejected and cancelled orders that no analysis counts, and the aggregates
 *   count orders by these statuses, so each partition's size is known before it is read;
 * - customers and products: their collections on `byTenantCollection`, sorted by id (a ULID).
 */
/** functions/products/store.ts keeps its collection's name to itself. */
const PRODUCTS_COLLECTION = 'PRODUCTS';

/** `<ISO instant>#<id>` keys: the instant is the time; a bare instant is a cut no key equals. */
const instantKeys = {
  timeOf: (sortKey: string) => Date.parse(sortKey.slice(0, sortKey.indexOf('#'))),
  cutAt: (ms: number) => new Date(ms).toISOString(),
};

/** ULID keys: their first ten characters are the time; those ten alone are a cut no key equals. */
const ulidKeys = {
  timeOf: (sortKey: string) => decodeTime(sortKey),
  cutAt: (ms: number) => encodeTime(ms, 10),
};

/** One read per need status: the status is the partition's, so it is not read from the items. */
export const needReads = (
  tenantId: string,
  expected: ExpectedCounts,
): { status: NeedStatus; read: PartitionRead }[] =>
  NEED_STATUSES.map((status) => ({
    status,
    read: {
      source: 'needs',
      tableName: domainTableName(),
      partitionKey: { name: 'pk', value: indexPartition(tenantId, 'STATUS', status) },
      sortKey: 'sk',
      ...instantKeys,
      attributes: [
        ...['id', 'customerId', 'type', 'title', 'description', 'receivedAt'],
        ...['estimatedValue', 'productIds', 'orderIds'],
      ],
      expected: expected.needs[status],
    },
  }));

export const orderReads = (tenantId: string, expected: ExpectedCounts): PartitionRead[] =>
  REVENUE_STATUSES.map((status) => ({
    source: 'orders',
    tableName: domainTableName(),
    indexName: 'ordersByStatus',
    partitionKey: { name: 'statusPk', value: statusPartition(tenantId, status) },
    sortKey: 'statusSk',
    ...instantKeys,
    attributes: ['id', 'customerId', 'createdAt', 'currency', 'totals', 'lines'],
    expected: expected.orders[status],
  }));

const collectionRead = (tenantId: string, source: string, collection: string, attributes: string[]) => ({
  source,
  tableName: domainTableName(),
  indexName: 'byTenantCollection',
  partitionKey: { name: 'collectionPk', value: collectionKey(tenantId, collection) },
  sortKey: 'collectionSk',
  ...ulidKeys,
  attributes,
});

export const customerRead = (tenantId: string): PartitionRead =>
  collectionRead(tenantId, 'customers', CUSTOMERS_COLLECTION, ['id']);

export const productRead = (tenantId: string): PartitionRead =>
  collectionRead(tenantId, 'products', PRODUCTS_COLLECTION, ['id', 'category']);

// ── Rows: what the folds take of each item ───────────────────────────────────────────────────

export interface Money {
  amountMinor: number;
  currency: string;
}

export interface NeedRow {
  id: string;
  customerId: string;
  type?: string;
  title: string;
  description?: string;
  receivedAt: string;
  value?: Money;
  productIds: string[];
  /** An order names it (`orderIds`): someone is answering it. */
  answered: boolean;
}

export interface OrderRow {
  id: string;
  customerId: string;
  createdAt: string;
  currency: string;
  totalMinor: number;
  /** Distinct products of its lines. */
  productIds: string[];
}

const moneyOf = (item: RawItem | undefined): Money | undefined => {
  const amountMinor = num(item, 'amountMinor');
  const currency = str(item, 'currency');
  return amountMinor === undefined || currency === undefined ? undefined : { amountMinor, currency };
};

export function needRowOf(item: RawItem): NeedRow {
  const type = str(item, 'type');
  const description = str(item, 'description');
  const value = moneyOf(map(item, 'estimatedValue'));
  return {
    id: str(item, 'id') as string,
    customerId: str(item, 'customerId') as string,
    ...(type === undefined ? {} : { type }),
    title: str(item, 'title') ?? '',
    ...(description === undefined ? {} : { description }),
    receivedAt: str(item, 'receivedAt') as string,
    ...(value ? { value } : {}),
    productIds: (list(item, 'productIds') ?? []).flatMap((v) => (v.S === undefined ? [] : [v.S])),
    answered: (list(item, 'orderIds')?.length ?? 0) > 0,
  };
}

export function orderRowOf(item: RawItem): OrderRow {
  const products = new Set<string>();
  for (const line of list(item, 'lines') ?? []) {
    const productId = str(line.M, 'productId');
    if (productId !== undefined) products.add(productId);
  }
  return {
    id: str(item, 'id') as string,
    customerId: str(item, 'customerId') as string,
    createdAt: str(item, 'createdAt') as string,
    currency: str(item, 'currency') as string,
    totalMinor: num(map(item, 'totals'), 'totalMinor') ?? 0,
    productIds: [...products],
  };
}
