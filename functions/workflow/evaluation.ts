import type { Evaluation, Order } from '../orders/schemas';
import { ORDER_STATUSES, type OrderStatus } from '../orders/status';

/** What the evaluation reads of a timeline event: the status it left the order in, and when. */
export interface StatusEvent {
  seq: number;
  status: OrderStatus;
  at: string;
}

type Evaluated = Pick<Order, 'createdAt' | 'promisedDeliveryDate' | 'deliveredAt' | 'approval'>;

const seconds = (fromMs: number, toMs: number) => Math.max(0, toMs - fromMs) / 1000;

/**
 * How a delivered order went, computed when it closes. Pure: the timeline events and the order
 * in, the evaluation out.
 * - `stageSeconds`: time in each status the order passed through, in lifecycle order. The stage
 *   boundaries are the events' times, except that delivery happened when the partner says it did
 *   (`deliveredAt`), which may be before it was reported; DELIVERED lasts until closing.
 * - `cycleSeconds`: submission (the order's creation) to delivery.
 * - `onTime`: delivered on or before the promised date (both read as UTC dates); null when no
 *   date was promised.
 * - `approvalSlaMet`: every level decided by its due time and none escalated; null when no level
 *   was required.
 */
export function evaluateOrder(order: Evaluated, events: readonly StatusEvent[], closedAt: Date): Evaluation {
  const closedMs = closedAt.getTime();
  const deliveredMs = order.deliveredAt ? Date.parse(order.deliveredAt) : undefined;
  const sorted = [...events].sort((a, b) => a.seq - b.seq);

  // Where each status began, in the order the statuses were entered.
  const changes: { status: OrderStatus; atMs: number }[] = [];
  for (const event of sorted) {
    if (changes.at(-1)?.status === event.status) continue;
    let atMs = Date.parse(event.at);
    if (event.status === 'DELIVERED' && deliveredMs !== undefined) atMs = deliveredMs;
    // Never before the stage it ends (a delivery time earlier than its shipment report).
    const previous = changes.at(-1);
    if (previous && atMs < previous.atMs) atMs = previous.atMs;
    changes.push({ status: event.status, atMs });
  }
  const spent = new Map<OrderStatus, number>();
  changes.forEach((change, i) => {
    const endMs = changes[i + 1]?.atMs ?? closedMs;
    spent.set(change.status, (spent.get(change.status) ?? 0) + seconds(change.atMs, endMs));
  });
  const stageSeconds: Record<string, number> = {};
  for (const status of ORDER_STATUSES) {
    const value = spent.get(status);
    if (value !== undefined && status !== 'CLOSED') stageSeconds[status] = value;
  }

  const submittedMs = Date.parse(order.createdAt);
  const levels = order.approval?.levels ?? [];
  const escalations = levels.reduce((sum, level) => sum + level.escalations.length, 0);
  return {
    stageSeconds,
    cycleSeconds: seconds(submittedMs, deliveredMs ?? closedMs),
    onTime:
      order.promisedDeliveryDate === undefined || deliveredMs === undefined
        ? null
        : new Date(deliveredMs).toISOString().slice(0, 10) <= order.promisedDeliveryDate,
    approvalSlaMet:
      levels.length === 0
        ? null
        : levels.every(
            (level) =>
              level.status === 'approved' &&
              level.escalations.length === 0 &&
              level.decidedAt !== undefined &&
              level.dueAt !== undefined &&
              Date.parse(level.decidedAt) <= Date.parse(level.dueAt),
          ),
    escalations,
    closedAt: closedAt.toISOString(),
  };
}
