import type { TaskFailureCode } from '../shared/workflow/task-failures';
import { isFinal, type OrderStatus } from './status';

/**
 * When the stuck-order reconciler (functions/workflow/reconcile.ts) should next look at an order
 * if nothing happens to it first. Every write of a non-final order sets this time on the order, and
 * the sparse index `ordersToReconcile` sorts orders by it, so the reconciler reads only the orders
 * that are overdue — a few among millions — and never the healthy ones. A final order leaves the
 * index (unless a task token answer is still owed to its execution).
 */
export const RECONCILE_AFTER_SECONDS = {
  /** A new order: its workflow starts at once (directly and from the outbox); a look when neither did. */
  created: 2 * 60,
  /** Between workflow steps, which follow one another in seconds (retries last up to ~2 minutes). */
  step: 5 * 60,
  /** A committed change owes the waiting execution its token's answer: a look soon if it was lost. */
  answer: 60,
  /**
   * Waiting on a person or a partner, with the state's own timeout running: a daily look that the
   * execution is still there (only an operator stops one) is all it needs.
   */
  waiting: 24 * 3600,
} as const;

export type ReconcileReason = keyof typeof RECONCILE_AFTER_SECONDS;

/** A task token whose answer a committed change owes the execution; cleared by the workflow's next write. */
export type AnswerDue =
  | { token: string; kind: 'approval' | 'shipment' | 'delivery'; answer: 'success'; at: string }
  | {
      token: string;
      kind: 'approval' | 'shipment' | 'delivery';
      answer: 'failure';
      code: TaskFailureCode;
      at: string;
    };

/** Spread over a few index partitions, so that a busy account's order writes never heat one. */
export const RECONCILE_SHARDS = 4;

export const reconcilePartition = (shard: number) => `RECONCILE#${shard}`;

/** The shard of an order: a stable hash of its id. */
export function reconcileShard(orderId: string): number {
  let hash = 0;
  for (let i = 0; i < orderId.length; i++) hash = (hash * 31 + orderId.charCodeAt(i)) >>> 0;
  return hash % RECONCILE_SHARDS;
}

/** The index attributes that put the order in `ordersToReconcile`, due at `due`. */
export function reconcileAttributes(tenantId: string, orderId: string, due: Date) {
  return {
    reconcilePk: reconcilePartition(reconcileShard(orderId)),
    reconcileSk: `${due.toISOString()}#${tenantId}#${orderId}`,
  };
}

export const RECONCILE_INDEX_ATTRIBUTES = ['reconcilePk', 'reconcileSk'] as const;

/** The order an index entry points to (the sort key carries it: keys-only projection is enough). */
export function reconcileEntryOf(reconcileSk: string): { due: string; tenantId: string; orderId: string } {
  const first = reconcileSk.indexOf('#');
  const last = reconcileSk.lastIndexOf('#');
  return {
    due: reconcileSk.slice(0, first),
    tenantId: reconcileSk.slice(first + 1, last),
    orderId: reconcileSk.slice(last + 1),
  };
}

/**
 * The index attributes a write of the order sets (`due` from the reason) or removes (a final
 * order that owes no answer): what `transitionOrder` and `parkTask` add to their writes.
 */
export function reconcileSchedule(
  tenantId: string,
  orderId: string,
  status: OrderStatus,
  reason: ReconcileReason,
  now: string,
): { set: Record<string, string>; remove: readonly string[] } {
  if (isFinal(status) && reason !== 'answer') return { set: {}, remove: RECONCILE_INDEX_ATTRIBUTES };
  const due = new Date(Date.parse(now) + RECONCILE_AFTER_SECONDS[reason] * 1000);
  return { set: reconcileAttributes(tenantId, orderId, due), remove: [] };
}

/** The execution names of an order's workflow: its id, then `<id>.r<n>` for the n-th restart (names stay reserved for 90 days). */
export const executionNameOf = (order: { id: string; workflowRun?: number }) =>
  order.workflowRun ? `${order.id}.r${order.workflowRun}` : order.id;
