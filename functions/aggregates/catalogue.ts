import type { OrderStatus } from '../orders/status';

/**
 * What the aggregates count (the stated rules of README "Sales reports"), as data: the families,
 * their dimensions, and how many shards each dimension's items are spread over.
 *
 * - **needs**: count and estimated value of needs, in the period of `receivedAt`, by type
 *   (`untyped` when none), channel, status, or none.
 * - **revenue**: orders in a revenue status, in the period of `createdAt` (their order date): orders,
 *   units and line totals after discount per currency, by product (line SKU), category (line
 *   category), customer, country (`customerCountry`, else `unknown`), or none.
 * - **pipeline**: orders not yet final, by status: count and order total per currency; over all time
 *   (`all`) or by the period of `createdAt`.
 * - **fulfilment**: CLOSED orders in the period of `evaluation.closedAt`: count, approval time,
 *   lead time, on-time deliveries of those with a promised date, rating distribution; by customer,
 *   country, or none.
 */
export const FAMILIES = ['needs', 'revenue', 'pipeline', 'fulfilment'] as const;
export type Family = (typeof FAMILIES)[number];

/** An order counts as revenue from its approval on, and for good once it closes. */
export const REVENUE_STATUSES: readonly OrderStatus[] = [
  'APPROVED',
  'STOCK_RESERVED',
  'IN_FULFILMENT',
  'SHIPPED',
  'DELIVERED',
  'CLOSED',
];

/** The open pipeline: orders not yet final. */
export const PIPELINE_STATUSES: readonly OrderStatus[] = [
  'SUBMITTED',
  'PENDING_APPROVAL',
  'APPROVED',
  'STOCK_RESERVED',
  'IN_FULFILMENT',
  'SHIPPED',
  'DELIVERED',
];

export const UNTYPED = 'untyped';
export const UNKNOWN_COUNTRY = 'unknown';

/**
 * Dimensions per family, each with its shard count. A dimension with few groups (none, a status, a
 * channel, a country, a category) puts every change of a tenant on a handful of items — today's
 * total takes every need or order — so its items are spread over 4 shards, chosen by the record's
 * id, and summed on read: 4 × ~500 transactional updates/s per item before DynamoDB's 1,000 WCU/s
 * per partition (README "Sales reports"). A dimension with many groups (product, customer) spreads
 * itself; one shard keeps its reads to one Query per page.
 */
export const DIMENSIONS = {
  needs: { none: 4, type: 4, channel: 4, status: 4 },
  revenue: { none: 4, category: 4, country: 4, product: 1, customer: 1 },
  pipeline: { none: 4, status: 4 },
  fulfilment: { none: 4, country: 4, customer: 1 },
} as const satisfies Record<Family, Record<string, number>>;

export type Dimension<F extends Family> = keyof (typeof DIMENSIONS)[F] & string;

export const shardCount = (family: Family, dimension: string): number =>
  (DIMENSIONS[family] as Record<string, number>)[dimension] ?? 1;

/** Pipeline counts also over all time (a snapshot of what is open now): the pseudo-period `all`. */
export const ALL_TIME = 'all';

/** The group of `none`: one per period. */
export const NO_GROUP = '-';
