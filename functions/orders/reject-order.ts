import type { Principal } from '../shared/auth/principal';
import { decideAs } from './approval-levels';
import { assertSeesOrder } from './partner-access';
import { orderScopeOf } from './partner-scope';
import type { Order } from './schemas';
import { changeOrder, getOrderRecord, toOrder, withOrderRetry } from './store';
import { failTask, owedAnswer } from './task-answers';

/** Rejects the order at the level that waits on this person: rejection ends it (REJECTED, final). */
export async function rejectOrder(
  who: Principal,
  orderId: string,
  comment: string,
  now: Date,
): Promise<Order> {
  const { tenantId } = who;
  const scope = orderScopeOf(who);
  const at = now.toISOString();
  let target: number | undefined;
  const { before, after } = await withOrderRetry(async () => {
    const before = await getOrderRecord(tenantId, orderId);
    await assertSeesOrder(tenantId, scope, before);
    const { level, levels } = decideAs(before, target, who, 'rejected', comment, now);
    target = level.level;
    const after = await changeOrder(tenantId, before, {
      toStatus: 'REJECTED',
      set: {
        approval: { ...before.approval, levels },
        rejection: { by: who.userId, at, comment, level: level.level },
        ...owedAnswer(before.task, ['approval'], { answer: 'failure', code: 'order-rejected' }, at),
      },
      remove: ['task', 'inboxPk', 'inboxSk'],
      event: {
        type: 'APPROVAL_REJECTED',
        actor: { type: 'user', id: who.userId },
        details: { level: level.level, role: level.role, comment },
      },
      now: at,
    });
    return { before, after };
  });
  await failTask(before.task, ['approval'], orderId, 'order-rejected');
  return toOrder(after);
}
