import { CANCELLABLE_STATUSES } from '../orders/status';
import type { OrderRecord } from '../orders/store';
import { TASK_FAILURES } from '../shared/workflow/task-failures';

/**
 * The contract between the state machine and the code around it. Every task function and every
 * handler that answers a task token returns a `WorkflowStep`; the definition's `Route` choice
 * reads `next`. Routing on the order's stored status is what makes the workflow re-entrant.
 */
export const NEXT_STEPS = [
  'await-approval',
  'reserve',
  'request-fulfilment',
  'await-delivery',
  'close',
  'compensate',
  'done',
  // Only from Compensate: the order shipped, so it cannot be cancelled; a person must look at it.
  'needs-attention',
] as const;
export type NextStep = (typeof NEXT_STEPS)[number];

export interface WorkflowStep {
  tenantId: string;
  orderId: string;
  next: NextStep;
  /** For `await-approval`: seconds left of the pending level's SLA (the state's TimeoutSecondsPath). */
  slaRemainingSeconds?: number;
  /**
   * For `await-approval`: the level that SLA belongs to. AwaitApproval parks only for this level;
   * when another one is pending by then it answers at once, so its timeout is that level's SLA.
   */
  level?: number;
}

/** Task-token failures and task errors the definition catches by name. */
export const WORKFLOW_ERRORS = {
  cancelled: TASK_FAILURES['order-cancelled'],
  rejected: TASK_FAILURES['order-rejected'],
  fulfilmentFailed: TASK_FAILURES['fulfilment-failed'],
  insufficientStock: 'InsufficientStock',
} as const;

/**
 * Set by EscalateApproval when the last escalation ran out: compensation cancels the order with
 * APPROVAL_EXPIRED. Kept on the order (not only in the execution's state) so that a restarted
 * execution routes to compensation too.
 */
export interface ApprovalExpiry {
  at: string;
  level: number;
  role: string;
  escalations: number;
}

export const approvalExpiryOf = (order: OrderRecord): ApprovalExpiry | undefined =>
  (order as OrderRecord & { approvalExpired?: ApprovalExpiry }).approvalExpired;

/** Where an order stands, as the next step of its workflow. */
export function stepFor(tenantId: string, order: OrderRecord, now: Date): WorkflowStep {
  const base = { tenantId, orderId: order.id };
  if (order.cancelRequest && CANCELLABLE_STATUSES.includes(order.status))
    return { ...base, next: 'compensate' };
  if (order.fulfilmentFailure && (order.status === 'STOCK_RESERVED' || order.status === 'IN_FULFILMENT')) {
    return { ...base, next: 'compensate' };
  }
  switch (order.status) {
    case 'SUBMITTED':
      // Only the Advance task evaluates approval; anyone else routes the order back to it.
      return { ...base, next: 'done' };
    case 'PENDING_APPROVAL': {
      const level = order.approval?.levels.find((l) => l.status === 'pending');
      if (!level?.dueAt || approvalExpiryOf(order)) return { ...base, next: 'compensate' };
      const remaining = Math.ceil((Date.parse(level.dueAt) - now.getTime()) / 1000);
      return {
        ...base,
        next: 'await-approval',
        slaRemainingSeconds: Math.max(1, remaining),
        level: level.level,
      };
    }
    case 'APPROVED':
      return { ...base, next: 'reserve' };
    case 'STOCK_RESERVED':
    case 'IN_FULFILMENT':
      return { ...base, next: 'request-fulfilment' };
    case 'SHIPPED':
      return { ...base, next: 'await-delivery' };
    case 'DELIVERED':
      return { ...base, next: 'close' };
    default:
      return { ...base, next: 'done' };
  }
}
