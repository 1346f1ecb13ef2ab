import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { customerKey } from '../../customers/keys';
import { customerPartition } from '../../orders/keys';
import { productKey } from '../../products/store';
import { batchGet } from '../../shared/db/batch-get';
import { documentClient, domainTableName } from '../../shared/db/client';
import { latestKey, RESULT, resultKey } from '../runs/keys';
import type { OrderPurchases } from './history';
import type { Neighbour, PopularItem } from './model';

/**
 * The endpoint's reads, each bounded: GetItems, one Query of at most 100 orders, and
 * BatchGetItems of at most 100 keys. None scans; none grows with the tenant.
 */

/** Orders read per customer: the most recent, newest first. */
export const MAX_ORDERS = 100;
/** Keys per BatchGetItem (DynamoDB's limit). */
export const MAX_BATCH_KEYS = 100;

export interface LatestRun {
  runId: string;
  finishedAt: string;
}

/** The run whose recommendations are served: the latest that produced them, or null before any. */
export async function latestRecommendationRun(tenantId: string): Promise<LatestRun | null> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: domainTableName(), Key: latestKey(tenantId, 'recommendations') }),
  );
  return Item ? { runId: Item.runId as string, finishedAt: Item.finishedAt as string } : null;
}

export interface SegmentAssignment {
  id: number;
  label: string;
  runId: string;
}

/** The customer's segment (set by the analysis run), or undefined when the tenant has no such customer. */
export async function customerSegment(
  tenantId: string,
  customerId: string,
): Promise<{ segment: SegmentAssignment | null } | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: customerKey(tenantId, customerId),
      ProjectionExpression: 'id, analysis',
    }),
  );
  if (!Item) return undefined;
  const segment = (Item.analysis as { segment?: SegmentAssignment } | undefined)?.segment;
  return { segment: segment ? { id: segment.id, label: segment.label, runId: segment.runId } : null };
}

/** The customer's most recent orders (at most MAX_ORDERS), newest first: status, date, lines. */
export async function recentOrders(tenantId: string, customerId: string): Promise<OrderPurchases[]> {
  const orders: OrderPurchases[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: domainTableName(),
        IndexName: 'ordersByCustomer',
        KeyConditionExpression: 'customerPk = :p',
        ExpressionAttributeValues: { ':p': customerPartition(tenantId, customerId) },
        // `status` and `lines` are reserved words.
        ExpressionAttributeNames: { '#status': 'status', '#lines': 'lines' },
        ProjectionExpression: '#status, createdAt, #lines',
        ScanIndexForward: false,
        Limit: MAX_ORDERS - orders.length,
        ExclusiveStartKey: start,
      }),
    );
    orders.push(...((page.Items ?? []) as OrderPurchases[]));
    start = page.LastEvaluatedKey;
  } while (start && orders.length < MAX_ORDERS);
  return orders;
}

/**
 * The stored neighbour lists of `productIds` (at most MAX_BATCH_KEYS − 1) and the popular
 * products, in one BatchGetItem. A product without an item had no neighbours in the run.
 */
export async function modelParts(
  tenantId: string,
  runId: string,
  productIds: readonly string[],
): Promise<{ neighbours: Record<string, Neighbour[]>; popular: PopularItem[] }> {
  if (productIds.length >= MAX_BATCH_KEYS)
    throw new Error(`modelParts reads at most ${MAX_BATCH_KEYS - 1} lists`);
  const items = await batchGet(
    domainTableName(),
    [RESULT.popular, ...[...new Set(productIds)].map(RESULT.neighbours)].map((sk) =>
      resultKey(tenantId, runId, sk),
    ),
    { expression: 'sk, neighbours, popular' },
  );
  const neighbours: Record<string, Neighbour[]> = {};
  let popular: PopularItem[] = [];
  for (const item of items) {
    if (item.sk === RESULT.popular) popular = item.popular as PopularItem[];
    else neighbours[(item.sk as string).slice(RESULT.neighbours('').length)] = item.neighbours as Neighbour[];
  }
  return { neighbours, popular };
}

export interface OpenNeed {
  needId: string;
  title: string;
  type?: string;
  estimatedValue?: { amountMinor: number; currency: string };
  customerId: string;
}

/** The open needs no order answered yet of a segment, as its run stored them (at most 20). */
export async function segmentOpenNeeds(
  tenantId: string,
  runId: string,
  segmentId: number,
): Promise<OpenNeed[]> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: resultKey(tenantId, runId, RESULT.segmentNeeds(segmentId)),
      ProjectionExpression: 'needs',
    }),
  );
  return ((Item?.needs as OpenNeed[] | undefined) ?? []).map((need) => ({
    needId: need.needId,
    title: need.title,
    ...(need.type === undefined || need.type === null ? {} : { type: need.type }),
    ...(need.estimatedValue ? { estimatedValue: need.estimatedValue } : {}),
    customerId: need.customerId,
  }));
}

export interface ProductSummary {
  id: string;
  sku: string;
  name: string;
  active: boolean;
}

/** Sku, name and availability of up to MAX_BATCH_KEYS products, by id; missing ones are absent. */
export async function productSummaries(
  tenantId: string,
  productIds: readonly string[],
): Promise<Map<string, ProductSummary>> {
  const items = await batchGet(
    domainTableName(),
    [...new Set(productIds)].map((id) => productKey(tenantId, id)),
    { expression: 'id, sku, #name, active', names: { '#name': 'name' } },
  );
  return new Map(items.map((item) => [item.id as string, item as unknown as ProductSummary]));
}
