/**
 * The order lifecycle of docs/design.md §2. The state machine drives it; every change is a timeline
 * event written in the same transaction as the change.
 */
export const ORDER_STATUSES = [
  'SUBMITTED',
  'PENDING_APPROVAL',
  'APPROVED',
  'STOCK_RESERVED',
  'IN_FULFILMENT',
  'SHIPPED',
  'DELIVERED',
  'CLOSED',
  'REJECTED',
  'CANCELLED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const FINAL_STATUSES: readonly OrderStatus[] = ['CLOSED', 'REJECTED', 'CANCELLED'];
export const isFinal = (status: OrderStatus) => FINAL_STATUSES.includes(status);

/** A cancel request is honoured until the goods have left. */
export const CANCELLABLE_STATUSES: readonly OrderStatus[] = [
  'SUBMITTED',
  'PENDING_APPROVAL',
  'APPROVED',
  'STOCK_RESERVED',
  'IN_FULFILMENT',
];

/** The goods have left the warehouse: nothing can be cancelled or released any more. */
export const SHIPPED_STATUSES: readonly OrderStatus[] = ['SHIPPED', 'DELIVERED', 'CLOSED'];
export const hasShipped = (status: OrderStatus) => SHIPPED_STATUSES.includes(status);

/** Statuses in which stock is reserved for the order (compensation releases it). */
export const RESERVED_STATUSES: readonly OrderStatus[] = ['STOCK_RESERVED', 'IN_FULFILMENT'];

/**
 * Statuses whose order value counts in the customer's open balance (credit exposure): from
 * approval until it closes or is cancelled.
 */
export const OPEN_BALANCE_STATUSES: readonly OrderStatus[] = [
  'APPROVED',
  'STOCK_RESERVED',
  'IN_FULFILMENT',
  'SHIPPED',
  'DELIVERED',
];

/** Machine-readable cancellation reasons. */
export const CANCELLATION_CODES = [
  'INSUFFICIENT_STOCK',
  'FULFILMENT_FAILED',
  'CANCELLED_BY_USER',
  'APPROVAL_EXPIRED',
  'PROCESSING_ERROR',
] as const;
export type CancellationCode = (typeof CANCELLATION_CODES)[number];
