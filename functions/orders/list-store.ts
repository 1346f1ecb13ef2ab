import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../shared/db/client';
import { decodeCursor, encodeCursor } from '../shared/db/cursor';
import { collectionKey } from '../shared/db/keys';
import { ValidationError } from '../shared/http/errors';
import { ulidBound } from '../shared/ids';
import { customerPartition, ORDERS_COLLECTION, partnerPartition, statusPartition } from './keys';
import type { OrderScope } from './partner-scope';
import type { Order } from './schemas';
import type { OrderStatus } from './status';
import { toOrder } from './store';

/** `GET /v1/orders`: one page of a tenant's (or a partner's) orders, on the index that serves the filter. */
export interface OrderListFilter {
  status?: OrderStatus;
  customerId?: string;
  /** Inclusive. */
  createdFrom?: string;
  /** Exclusive. */
  createdTo?: string;
  limit: number;
  cursor?: string;
}

/** Reads a page needs at most: a status filter on the customer index may skip many orders. */
const MAX_PAGE_READS = 5;

/** How one list of orders is read: its Query (without page bounds) and the index it pages through. */
export interface OrderListPlan {
  query: QueryCommandInput;
  /** The list's name in its cursors: a cursor of another list is refused. */
  list: string;
  index: { partition: string; sort: string; value: string };
}

/**
 * Orders newest first, by status, by customer or all, within an optional created-date range:
 * one Query on the index that serves the filter (status and customer together: the customer
 * index, filtered by status, in at most MAX_PAGE_READS Queries). Each Query asks for one order
 * more than the page still needs, so the last page carries no cursor. A partner-bound scope reads
 * its partner's index only (the orders assigned to it), with status and customer as filters.
 */
export async function listOrderPage(
  tenantId: string,
  scope: OrderScope,
  filter: OrderListFilter,
): Promise<{ items: Order[]; nextCursor?: string }> {
  const plan = orderListPlan(tenantId, scope, filter);
  const items: Record<string, unknown>[] = [];
  let lastKey = await startKeyOf(plan, filter.cursor);
  for (let reads = 0; reads < MAX_PAGE_READS && items.length <= filter.limit; reads++) {
    const result = await documentClient.send(
      new QueryCommand({
        ...plan.query,
        ScanIndexForward: false,
        Limit: filter.limit + 1 - items.length,
        ExclusiveStartKey: lastKey,
      }),
    );
    items.push(...(result.Items ?? []));
    lastKey = result.LastEvaluatedKey;
    if (!lastKey) break;
  }
  const page = items.slice(0, filter.limit);
  const last = page.at(-1);
  // More orders than the page holds: continue after its last one. Otherwise the reads ran out
  // (or stopped) where DynamoDB says.
  const next = items.length > filter.limit && last ? keyAfter(plan, last) : lastKey;
  return { items: page.map(toOrder), nextCursor: await encodeCursor(plan.list, next) };
}

/** The Query and the index that serve `filter` for `scope` (a 400 when the date range is empty). */
export function orderListPlan(
  tenantId: string,
  scope: OrderScope,
  filter: Omit<OrderListFilter, 'limit' | 'cursor'>,
): OrderListPlan {
  // Stored times are `toISOString()`; a bound written another way (no milliseconds) would compare wrongly as text.
  const from = filter.createdFrom === undefined ? undefined : new Date(filter.createdFrom);
  const to = filter.createdTo === undefined ? undefined : new Date(filter.createdTo);
  if (from && to && from.getTime() >= to.getTime()) {
    throw new ValidationError([{ field: 'query.createdTo', message: 'must be later than createdFrom' }]);
  }
  const timeFrom = from?.toISOString() ?? '0000';
  // `createdAt#id` of an order created exactly at `to` sorts after `to` itself: the bound is exclusive.
  const timeTo = to?.toISOString() ?? '9999';
  let query: QueryCommandInput;
  let list: string;
  let index: { partition: string; sort: string; value: string };
  if ('partnerId' in scope) {
    list = `ORDERS#PARTNER#${scope.partnerId}`;
    index = { partition: 'partnerPk', sort: 'partnerSk', value: partnerPartition(tenantId, scope.partnerId) };
    const filters = [
      ...(filter.status ? ['#status = :status'] : []),
      ...(filter.customerId ? ['customerId = :customer'] : []),
    ];
    query = {
      TableName: domainTableName(),
      IndexName: 'ordersByPartner',
      KeyConditionExpression: 'partnerPk = :p AND partnerSk BETWEEN :from AND :to',
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
      ...(filter.status ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
      ExpressionAttributeValues: {
        ':p': index.value,
        ':from': timeFrom,
        ':to': timeTo,
        ...(filter.status ? { ':status': filter.status } : {}),
        ...(filter.customerId ? { ':customer': filter.customerId } : {}),
      },
    };
  } else if (filter.customerId) {
    list = `ORDERS#CUSTOMER#${filter.customerId}`;
    index = {
      partition: 'customerPk',
      sort: 'customerSk',
      value: customerPartition(tenantId, filter.customerId),
    };
    query = {
      TableName: domainTableName(),
      IndexName: 'ordersByCustomer',
      KeyConditionExpression: 'customerPk = :p AND customerSk BETWEEN :from AND :to',
      ...(filter.status
        ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
        : {}),
      ExpressionAttributeValues: {
        ':p': index.value,
        ':from': timeFrom,
        ':to': timeTo,
        ...(filter.status ? { ':status': filter.status } : {}),
      },
    };
  } else if (filter.status) {
    list = `ORDERS#STATUS#${filter.status}`;
    index = { partition: 'statusPk', sort: 'statusSk', value: statusPartition(tenantId, filter.status) };
    query = {
      TableName: domainTableName(),
      IndexName: 'ordersByStatus',
      KeyConditionExpression: 'statusPk = :p AND statusSk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':p': index.value, ':from': timeFrom, ':to': timeTo },
    };
  } else {
    list = ORDERS_COLLECTION;
    index = {
      partition: 'collectionPk',
      sort: 'collectionSk',
      value: collectionKey(tenantId, ORDERS_COLLECTION),
    };
    query = {
      TableName: domainTableName(),
      IndexName: 'byTenantCollection',
      KeyConditionExpression: 'collectionPk = :p AND collectionSk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':p': index.value,
        ':from': from ? ulidBound(from.getTime(), '0') : '0'.repeat(26),
        // Ids of the last millisecond before `to`, and none of `to` itself.
        ':to': to ? ulidBound(to.getTime() - 1, 'Z') : 'Z'.repeat(26),
      },
    };
  }
  return { query, list, index };
}

/** Where a cursor of this list starts (a 400 on `query.cursor` for any other cursor). */
export const startKeyOf = (plan: OrderListPlan, cursor: string | undefined) =>
  decodeCursor(cursor, plan.list, { attribute: plan.index.partition, value: plan.index.value }, [
    'pk',
    'sk',
    plan.index.partition,
    plan.index.sort,
  ]);

/** The start key of the page after `item`: the table's key and the index's, as LastEvaluatedKey holds them. */
export const keyAfter = (plan: OrderListPlan, item: Record<string, unknown>) => ({
  pk: item.pk,
  sk: item.sk,
  [plan.index.partition]: item[plan.index.partition],
  [plan.index.sort]: item[plan.index.sort],
});
