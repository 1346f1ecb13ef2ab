import { escalate, inboxAttributes, pendingLevel } from '../orders/approval-levels';
import { getOrderRecord, withOrderRetry } from '../orders/store';
import { taskHandler } from '../shared/task/handler';
import { OrderTaskInput } from './inputs';
import { type ApprovalExpiry, approvalExpiryOf, stepFor, type WorkflowStep } from './steps';
import { changeOrderStep } from './store';

const WORKFLOW = { type: 'system' as const, id: 'workflow' };

/**
 * EscalateApproval — the pending level's SLA ran out (AwaitApproval's States.Timeout). The level
 * moves to its escalation role with a fresh SLA and into that role's inbox; after the last
 * escalation the approval expires and compensation cancels the order (APPROVAL_EXPIRED). A
 * timeout that raced a decision finds nothing due and just routes on. DynamoDB: a GetItem, and a
 * transaction when it escalates or expires.
 */
export const handler = taskHandler('escalateApproval', OrderTaskInput, async ({ tenantId, orderId }, now) =>
  withOrderRetry(async (): Promise<WorkflowStep> => {
    const order = await getOrderRecord(tenantId, orderId);
    const level = pendingLevel(order.approval?.levels);
    // Nothing waits any more (decided, being cancelled, or already expired by an earlier attempt).
    if (
      order.status !== 'PENDING_APPROVAL' ||
      order.cancelRequest ||
      approvalExpiryOf(order) ||
      !level ||
      !order.approval
    ) {
      return stepFor(tenantId, order, now);
    }
    const result = escalate(order.approval.levels, now);
    const at = now.toISOString();
    if (result.expired) {
      const expiry: ApprovalExpiry = {
        at,
        level: level.level,
        role: level.role,
        escalations: level.escalations.length,
      };
      await changeOrderStep(tenantId, order, {
        set: { approvalExpired: expiry },
        // Out of every inbox: nobody should decide an order that is being cancelled.
        remove: ['task', 'inboxPk', 'inboxSk'],
        event: {
          type: 'APPROVAL_EXPIRED',
          actor: WORKFLOW,
          details: { level: level.level, role: level.role, escalations: expiry.escalations },
        },
        now: at,
      });
      return { tenantId, orderId, next: 'compensate' };
    }
    if (!result.escalated) return stepFor(tenantId, order, now);
    const escalated = result.escalated;
    const after = await changeOrderStep(tenantId, order, {
      set: {
        approval: { ...order.approval, levels: result.levels },
        ...inboxAttributes(tenantId, orderId, escalated),
      },
      remove: ['task'],
      event: {
        type: 'APPROVAL_ESCALATED',
        actor: WORKFLOW,
        details: {
          level: escalated.level,
          fromRole: level.role,
          toRole: escalated.role,
          dueAt: escalated.dueAt,
          escalation: escalated.escalations.length,
        },
      },
      now: at,
    });
    return stepFor(tenantId, after, now);
  }),
);
