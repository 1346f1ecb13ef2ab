import { changeOpenBalance } from '../customers/balance-items';
import type { Principal } from '../shared/auth/principal';
import { stepFor } from '../workflow/steps';
import { decideAs, inboxAttributes } from './approval-levels';
import type { Order } from './schemas';
import { changeOrder, getOrderRecord, toOrder, withOrderRetry } from './store';
import { resumeTask } from './task-answers';

/**
 * Approves the level of an order that waits on this person. The next level becomes pending (and
 * takes the order's place in the approval inbox); after the last one the order is APPROVED and
 * its total joins the customer's open balance, in the same transaction. Two approvers racing on
 * one level: the version guard lets one win, the other re-reads and gets 409.
 */
export async function approveOrder(
  who: Principal,
  orderId: string,
  comment: string | undefined,
  now: Date,
): Promise<Order> {
  const { tenantId } = who;
  const at = now.toISOString();
  let target: number | undefined;
  const { before, after } = await withOrderRetry(async () => {
    const before = await getOrderRecord(tenantId, orderId);
    const { level, levels, next } = decideAs(before, target, who, 'approved', comment, now);
    target = level.level;
    const inbox = inboxAttributes(tenantId, orderId, next);
    const approved = next === undefined;
    const after = await changeOrder(tenantId, before, {
      ...(approved ? { toStatus: 'APPROVED' as const } : {}),
      set: { approval: { ...before.approval, levels }, ...inbox },
      remove: ['task', ...(inbox ? [] : ['inboxPk', 'inboxSk'])],
      event: {
        type: 'APPROVAL_GRANTED',
        actor: { type: 'user', id: who.userId },
        details: { level: level.level, role: level.role, ...(comment ? { comment } : {}) },
      },
      also: approved ? [changeOpenBalance(tenantId, before.customerId, before.total.amountMinor)] : [],
      now: at,
    });
    return { before, after };
  });
  await resumeTask(before.task, ['approval'], stepFor(tenantId, after, now));
  return toOrder(after);
}
