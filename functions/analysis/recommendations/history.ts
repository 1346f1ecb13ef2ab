import type { PurchaseHistory } from './model';

/** What the endpoint reads of an order: its status, date and lines' products. */
export interface OrderPurchases {
  status: string;
  createdAt: string;
  lines: readonly { productId: string }[];
}

/**
 * Orders that did not happen — rejected, or cancelled before the goods left — bought nothing.
 * Orders still on their way count: the customer has asked for those products.
 */
const NOT_BOUGHT = new Set(['REJECTED', 'CANCELLED']);

/** A customer's purchases per product: in how many orders, and when last. */
export function purchaseHistory(orders: readonly OrderPurchases[]): PurchaseHistory[] {
  const byItem = new Map<string, PurchaseHistory>();
  for (const order of orders) {
    if (NOT_BOUGHT.has(order.status)) continue;
    for (const item of new Set(order.lines.map((line) => line.productId))) {
      const known = byItem.get(item);
      if (!known) byItem.set(item, { item, orders: 1, lastAt: order.createdAt });
      else {
        known.orders++;
        if (order.createdAt > known.lastAt) known.lastAt = order.createdAt;
      }
    }
  }
  return [...byItem.values()];
}

/**
 * The products whose neighbour lists are read when a customer bought more than one read can
 * fetch: those bought most often, then most recently — what the customer is most about.
 */
export function mostTelling(history: readonly PurchaseHistory[], max: number): PurchaseHistory[] {
  return [...history]
    .sort(
      (a, b) =>
        b.orders - a.orders ||
        (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0) ||
        (a.item < b.item ? -1 : a.item > b.item ? 1 : 0),
    )
    .slice(0, max);
}
