import type { Principal } from '../shared/auth/principal';
import { OrderStateConflictError } from './errors';
import { assertSeesOrder } from './partner-access';
import { orderScopeOf } from './partner-scope';
import type { Feedback, Order } from './schemas';
import { changeOrder, getOrderRecord, toOrder, withOrderRetry } from './store';

/** The customer's rating and comment, once, after delivery; kept on the order next to its evaluation. */
export async function submitFeedback(
  who: Principal,
  orderId: string,
  input: Feedback,
  now: Date,
): Promise<Order> {
  const { tenantId } = who;
  const scope = orderScopeOf(who);
  const at = now.toISOString();
  const after = await withOrderRetry(async () => {
    const before = await getOrderRecord(tenantId, orderId);
    await assertSeesOrder(tenantId, scope, before);
    if (before.status !== 'DELIVERED' && before.status !== 'CLOSED') {
      throw new OrderStateConflictError(
        `The order is ${before.status}: feedback is taken after delivery.`,
        before.status,
      );
    }
    if (before.feedback)
      throw new OrderStateConflictError('Feedback was already given for this order.', before.status);
    const feedback = {
      rating: input.rating,
      ...(input.comment ? { comment: input.comment } : {}),
      by: who.userId,
      at,
    };
    return changeOrder(tenantId, before, {
      set: { feedback },
      event: {
        type: 'FEEDBACK_RECEIVED',
        actor: { type: 'user', id: who.userId },
        details: { rating: input.rating },
      },
      now: at,
    });
  });
  return toOrder(after);
}
