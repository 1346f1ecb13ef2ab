import { ConflictError, type FieldIssue, HttpError } from '../shared/http/errors';
import { formatMoney } from '../shared/money';

/** The order cannot be accepted as sent (unknown customer or SKU, currency mismatch…): 422, nothing written. */
export class UnprocessableOrderError extends HttpError {
  constructor(type: string, title: string, issues: FieldIssue[]) {
    super(422, type, title, issues.map((i) => `${i.field}: ${i.message}`).join('; '), { errors: issues });
  }
}

/**
 * The order is not in a state that allows this (approve when nothing waits, cancel after shipping…).
 * The order's status goes out as `orderStatus`: `status` is the problem's HTTP status (RFC 9457).
 */
export class OrderStateConflictError extends ConflictError {
  constructor(detail: string, orderStatus: string) {
    super('order-state-conflict', 'The order is not in a state that allows this', detail, { orderStatus });
  }
}

/** Someone else changed the order between our read and our write (optimistic concurrency). */
export class OrderChangedError extends ConflictError {
  constructor(orderId: string, detail = `Order '${orderId}' changed while this request ran; retry.`) {
    super('order-changed', 'The order changed meanwhile', detail);
  }
}

/**
 * Approving would take the customer's open balance past their credit limit (409): nothing is
 * written and the level stays pending. The figures go out as money so a client can show them.
 */
export class CreditLimitExceededError extends ConflictError {
  constructor(credit: {
    currency: string;
    creditLimitMinor: number;
    openBalanceMinor: number;
    totalMinor: number;
  }) {
    const money = (amountMinor: number) => ({ amountMinor, currency: credit.currency });
    const show = (amountMinor: number) => formatMoney(money(amountMinor));
    super(
      'credit-limit-exceeded',
      'The order would exceed the customer’s credit limit',
      `Approving this order (${show(credit.totalMinor)}) would take the customer’s open balance from ${show(credit.openBalanceMinor)} to ${show(credit.openBalanceMinor + credit.totalMinor)}, past their credit limit of ${show(credit.creditLimitMinor)}. The level stays pending: reject it, or approve it past the limit with a creditOverride (only the approval rules’ creditOverrideRoles may).`,
      {
        creditLimit: money(credit.creditLimitMinor),
        openBalance: money(credit.openBalanceMinor),
        orderTotal: money(credit.totalMinor),
      },
    );
  }
}
