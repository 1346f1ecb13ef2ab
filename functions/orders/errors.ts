import { ConflictError, type FieldIssue, HttpError } from '../shared/http/errors';

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
  constructor(orderId: string) {
    super(
      'order-changed',
      'The order changed meanwhile',
      `Order '${orderId}' changed while this request ran; retry.`,
    );
  }
}
