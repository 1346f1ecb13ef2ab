import type { Facts } from '../approvals/rules';
import { creditFacts } from '../customers/balance-items';
import type { Order } from '../orders/schemas';

/**
 * The facts approval rules decide on, from the order and the stored customer item (credit limit,
 * open balance, closed orders). Pure, so a decision can be re-run over the facts it stored.
 */
export function orderFacts(
  order: Pick<Order, 'currency' | 'totals' | 'lines'>,
  customerItem: Record<string, unknown>,
): Facts {
  return {
    currency: order.currency,
    totalMinor: order.totals.totalMinor,
    maxLineDiscountBps: Math.max(0, ...order.lines.map((line) => line.discountBps)),
    ...creditFacts(customerItem, order.currency),
    categories: [...new Set(order.lines.map((line) => line.category))].sort(),
  };
}
