import type { OrderRecord } from '../orders/store';

/**
 * The contract between the state machine and the code around it. Every task function and every
 * handler that answers a task token returns a `WorkflowStep`; the definition's `Route` choice
 * reads `next`. Routing on the order's stored status is what makes the workflow re-entrant.
 */
export type NextStep =
  | 'await-approval'
  | 'reserve'
  | 'request-fulfilment'
  | 'await-delivery'
  | 'close'
  | 'compensate'
  | 'done';

export interface WorkflowStep {
  tenantId: string;
  orderId: string;
  next: NextStep;
  /** For `await-approval`: seconds left of the pending level's SLA (the state's TimeoutSecondsPath). */
  slaRemainingSeconds?: number;
}

/** Task-token failures the definition catches by name. */
export const WORKFLOW_ERRORS = {
  cancelled: 'OrderCancelled',
  rejected: 'ApprovalRejected',
  fulfilmentFailed: 'FulfilmentFailed',
  insufficientStock: 'InsufficientStock',
} as const;

/** Where an order stands, as the next step of its workflow. */
export function stepFor(tenantId: string, order: OrderRecord, now: Date): WorkflowStep {
  const base = { tenantId, orderId: order.id };
  if (order.cancelRequest && !['SHIPPED', 'DELIVERED', 'CLOSED', 'REJECTED', 'CANCELLED'].includes(order.status)) {
    return { ...base, next: 'compensate' };
  }
  switch (order.status) {
    case 'SUBMITTED':
      // Only the Advance task evaluates approval; anyone else routes the order back to it.
      return { ...base, next: 'done' };
    case 'PENDING_APPROVAL': {
      const level = order.approval?.levels.find((l) => l.status === 'pending');
      if (!level?.dueAt) return { ...base, next: 'compensate' };
      const remaining = Math.ceil((Date.parse(level.dueAt) - now.getTime()) / 1000);
      return { ...base, next: 'await-approval', slaRemainingSeconds: Math.max(1, remaining) };
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
