import type { Principal } from '../shared/auth/principal';
import { OrderStateConflictError } from './errors';
import { assertSeesOrder } from './partner-access';
import { orderScopeOf } from './partner-scope';
import type { Order } from './schemas';
import { CANCELLABLE_STATUSES, hasShipped } from './status';
import { changeOrder, getOrderRecord, toOrder, withOrderRetry } from './store';
import { failTask, owedAnswer } from './task-answers';

/** Tasks a cancel interrupts: waiting for a person's decision or for the partner's shipment. */
const INTERRUPTIBLE = ['approval', 'shipment'] as const;

/**
 * Asks for an order to be cancelled, until it ships. The request is recorded (the status stays:
 * the workflow's compensation releases any stock and sets CANCELLED) and the task the workflow
 * waits on, if any, is failed with OrderCancelled; a task that is running when the request lands
 * finds it on the order when it routes.
 */
export async function cancelOrder(
  who: Principal,
  orderId: string,
  reason: string,
  now: Date,
): Promise<Order> {
  const { tenantId } = who;
  const scope = orderScopeOf(who);
  const at = now.toISOString();
  const { before, after } = await withOrderRetry(async () => {
    const before = await getOrderRecord(tenantId, orderId);
    await assertSeesOrder(tenantId, scope, before);
    if (hasShipped(before.status)) {
      throw new OrderStateConflictError(
        'The order has shipped, so it can no longer be cancelled.',
        before.status,
      );
    }
    if (!CANCELLABLE_STATUSES.includes(before.status)) {
      throw new OrderStateConflictError(`The order is already ${before.status}.`, before.status);
    }
    if (before.cancelRequest)
      throw new OrderStateConflictError('The order is already being cancelled.', before.status);
    const interrupts =
      before.task !== undefined && (INTERRUPTIBLE as readonly string[]).includes(before.task.kind);
    const after = await changeOrder(tenantId, before, {
      set: {
        cancelRequest: { reason, by: who.userId, at },
        ...owedAnswer(before.task, INTERRUPTIBLE, { answer: 'failure', code: 'order-cancelled' }, at),
      },
      // Out of the approval inbox: nobody should decide an order that is being cancelled.
      remove: ['inboxPk', 'inboxSk', ...(interrupts ? ['task'] : [])],
      event: { type: 'CANCEL_REQUESTED', actor: { type: 'user', id: who.userId }, details: { reason } },
      now: at,
    });
    return { before, after };
  });
  await failTask(before.task, INTERRUPTIBLE, orderId, 'order-cancelled');
  return toOrder(after);
}
