import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../shared/db/client';
import { decodeCursor, encodeCursor } from '../shared/db/cursor';
import { ValidationError } from '../shared/http/errors';
import { type Dimension, indexPartition } from './keys';
import type { NeedStatus } from './lifecycle';
import { toNeed } from './records';
import type { Need } from './schemas';

export interface NeedFilter {
  type?: string;
  channel?: string;
  status?: NeedStatus;
  customerId?: string;
  productId?: string;
  tag?: string;
  /** receivedAt, inclusive (ISO, as stored). */
  from?: string;
  /** receivedAt, exclusive. */
  to?: string;
}

type Field = 'type' | 'channel' | 'status' | 'customerId' | 'productId' | 'tag';

/**
 * The filters from the most selective to the least, as a tenant's needs spread: one customer has
 * few of them; one product or one tag a small share; a type (tens of them) more; a status or a
 * channel (five and seven values) a large share. The first filter given picks the partition
 * Queried; the others are applied within that partition only (a FilterExpression over those
 * entries, never over the tenant's).
 */
const BY_SELECTIVITY: readonly { field: Field; dimension: Dimension; condition: string }[] = [
  { field: 'customerId', dimension: 'CUSTOMER', condition: 'customerId = :customerId' },
  { field: 'productId', dimension: 'PRODUCT', condition: 'contains(productIds, :productId)' },
  { field: 'tag', dimension: 'TAG', condition: 'contains(tags, :tag)' },
  { field: 'type', dimension: 'TYPE', condition: '#type = :type' },
  { field: 'status', dimension: 'STATUS', condition: '#status = :status' },
  { field: 'channel', dimension: 'CHANNEL', condition: 'channel = :channel' },
];

/** Queries one page may take when filters combine (one Query when a single filter, or none, is given). */
const MAX_FILTERED_READS = 5;
/** Entries a combined filter's Query looks at: more than a page, since some are filtered out. */
const FILTERED_READ_SIZE = 200;

export interface ListOptions {
  limit: number;
  cursor?: string;
  /**
   * Queries at most for a page: default one, or MAX_FILTERED_READS when filters combine. A Query
   * returns at most 1 MB, so a large page (an export's) may need a few.
   */
  maxReads?: number;
}

/**
 * One page of needs, newest `receivedAt` first: a Query of the index partition of the most
 * selective filter given (`T#t#NEEDS#ALL` when none), the period as a range of its sort key.
 * One Query per page for a single filter, asking one entry more than the page so the last page
 * has no cursor; combined filters read up to `maxReads` Queries to fill a page.
 */
export async function listNeeds(
  tenantId: string,
  filter: NeedFilter,
  options: ListOptions,
): Promise<{ items: Need[]; nextCursor?: string }> {
  if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to)
    throw new ValidationError([{ field: 'query.to', message: 'must be later than from' }]);
  const given = BY_SELECTIVITY.filter(({ field }) => filter[field] !== undefined);
  const [chosen, ...others] = given;
  const partition = chosen
    ? indexPartition(tenantId, chosen.dimension, filter[chosen.field])
    : indexPartition(tenantId, 'ALL');
  const list = `NEEDS#${chosen ? `${chosen.dimension}#${filter[chosen.field]}` : 'ALL'}`;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {
    ':p': partition,
    // `<receivedAt>#<id>` of a need received exactly at `to` sorts after `to` itself: exclusive.
    ':from': filter.from ?? '0000',
    ':to': filter.to ?? '9999',
  };
  for (const { field } of others) {
    values[`:${field}`] = filter[field];
    if (field === 'type' || field === 'status') names[`#${field}`] = field;
  }
  const filtered = others.length > 0;
  let lastKey = await decodeCursor(options.cursor, list, { attribute: 'pk', value: partition }, ['pk', 'sk']);
  const found: Record<string, unknown>[] = [];
  const maxReads = options.maxReads ?? (filtered ? MAX_FILTERED_READS : 1);
  for (let reads = 0; reads < maxReads && found.length <= options.limit; reads++) {
    const result = await documentClient.send(
      new QueryCommand({
        TableName: domainTableName(),
        KeyConditionExpression: 'pk = :p AND sk BETWEEN :from AND :to',
        ...(filtered ? { FilterExpression: others.map((o) => o.condition).join(' AND ') } : {}),
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: filtered ? Math.max(FILTERED_READ_SIZE, options.limit + 1) : options.limit + 1 - found.length,
        ExclusiveStartKey: lastKey,
      }),
    );
    found.push(...(result.Items ?? []));
    lastKey = result.LastEvaluatedKey;
    if (!lastKey) break;
  }
  const page = found.slice(0, options.limit);
  const last = page.at(-1);
  // More needs than the page holds: go on after its last one; else from where the reads stopped.
  const next = found.length > options.limit && last ? { pk: last.pk, sk: last.sk } : lastKey;
  return { items: page.map(toNeed), nextCursor: await encodeCursor(list, next) };
}
