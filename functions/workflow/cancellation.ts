import type { Cancellation } from '../orders/schemas';
import type { OrderRecord } from '../orders/store';
import { approvalExpiryOf, WORKFLOW_ERRORS } from './steps';

/** What a `Catch` put under `$.error`: the error name and its cause (for a Lambda error, JSON text). */
export interface CaughtError {
  Error?: string;
  Cause?: string;
}

const WORKFLOW = { type: 'system' as const, id: 'workflow' };

/**
 * Why compensation cancels the order, as a machine-readable code and a sentence for people.
 * What is recorded on the order (a cancel request, a partner's failure report, an expired
 * approval) comes first: it is the cause even when the workflow met it as another error. A
 * failure the workflow does not name becomes PROCESSING_ERROR, told without internals. Pure.
 */
export function cancellationFor(
  order: OrderRecord,
  caught: CaughtError | undefined,
  now: Date,
): Cancellation {
  const at = now.toISOString();
  if (order.cancelRequest) {
    return {
      code: 'CANCELLED_BY_USER',
      reason: order.cancelRequest.reason,
      by: { type: 'user', id: order.cancelRequest.by },
      at,
    };
  }
  if (order.fulfilmentFailure || caught?.Error === WORKFLOW_ERRORS.fulfilmentFailed) {
    const reported = order.fulfilmentFailure?.reason ?? causeMessage(caught);
    return {
      code: 'FULFILMENT_FAILED',
      reason: `The fulfilment partner cannot fulfil the order${reported ? `: ${reported}` : '.'}`,
      by: WORKFLOW,
      at,
    };
  }
  if (caught?.Error === WORKFLOW_ERRORS.insufficientStock) {
    return {
      code: 'INSUFFICIENT_STOCK',
      reason: causeMessage(caught) ?? 'Not enough stock was available for every line of the order.',
      by: WORKFLOW,
      at,
    };
  }
  const expiry = approvalExpiryOf(order);
  if (expiry) {
    return {
      code: 'APPROVAL_EXPIRED',
      reason: `Nobody decided approval level ${expiry.level} in time, after ${expiry.escalations} escalation(s).`,
      by: WORKFLOW,
      at,
    };
  }
  if (
    caught?.Error === 'States.Timeout' &&
    (order.status === 'STOCK_RESERVED' || order.status === 'IN_FULFILMENT')
  ) {
    return {
      code: 'FULFILMENT_FAILED',
      reason: 'The fulfilment partner did not report a shipment in time.',
      by: WORKFLOW,
      at,
    };
  }
  return {
    code: 'PROCESSING_ERROR',
    reason: 'The order could not be processed, so it was cancelled and any stock reserved for it released.',
    by: WORKFLOW,
    at,
  };
}

/**
 * The message of a task's own named error: a Lambda error's cause is JSON with `errorMessage`.
 * A SendTaskFailure's cause is only a code (`{"code":…}`, shared/workflow/task-failures.ts) and
 * gives no message: what people wrote is read from the order. Only named workflow errors are
 * read, so no internal message reaches the order.
 */
function causeMessage(caught: CaughtError | undefined): string | undefined {
  const cause = caught?.Cause?.trim();
  if (!cause?.startsWith('{')) return undefined;
  try {
    const message = (JSON.parse(cause) as { errorMessage?: unknown }).errorMessage;
    return typeof message === 'string' && message ? message : undefined;
  } catch {
    return undefined;
  }
}
