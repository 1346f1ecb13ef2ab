import type { Facts, TermsChange } from '../approvals/rules';
import { belowListBps, changedWithin, isoInstant, MAX_TERMS_WINDOW_SECONDS } from '../approvals/terms';
import { creditFacts } from '../customers/balance-items';
import type { Order } from '../orders/schemas';

type DecidedOrder = Pick<Order, 'currency' | 'totals' | 'lines' | 'customerId' | 'createdAt' | 'createdBy'>;

/**
 * The facts approval rules decide on, from the order and the stored customer item (credit limit,
 * its latest change, open balance, closed orders). Pure, so a decision can be re-run over the
 * facts it stored.
 */
export function orderFacts(order: DecidedOrder, customerItem: Record<string, unknown>): Facts {
  return {
    currency: order.currency,
    totalMinor: order.totals.totalMinor,
    maxLineDiscountBps: Math.max(0, ...order.lines.map((line) => line.discountBps)),
    ...creditFacts(customerItem, order.currency),
    categories: [...new Set(order.lines.map((line) => line.category))].sort(),
    maxBelowListBps: Math.max(0, ...order.lines.map(belowListBps)),
    termsChanges: termsChanges(order, customerItem),
    createdAt: order.createdAt,
    createdBy: order.createdBy,
  };
}

/**
 * The terms changes the order saw, within the longest window a rule may ask: the customer's credit
 * limit as the customer item shows it now (at the decision), and each line's product as it was
 * when the order was created (the order is priced from that).
 */
function termsChanges(order: DecidedOrder, customerItem: Record<string, unknown>): TermsChange[] {
  const changes: TermsChange[] = [];
  const limitAt = isoInstant(customerItem.creditLimitChangedAt);
  const limitBy = customerItem.creditLimitChangedBy;
  if (limitAt !== undefined && typeof limitBy === 'string')
    changes.push({ subject: 'customer', ref: order.customerId, at: limitAt, by: limitBy });
  for (const line of order.lines) {
    if (line.termsChangedAt !== undefined && line.termsChangedBy !== undefined)
      changes.push({ subject: 'product', ref: line.sku, at: line.termsChangedAt, by: line.termsChangedBy });
  }
  return changes.filter((change) => changedWithin(change.at, order.createdAt, MAX_TERMS_WINDOW_SECONDS));
}
