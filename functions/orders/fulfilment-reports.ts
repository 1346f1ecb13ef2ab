import { shipStock } from '../products/stock-items';
import { ValidationError } from '../shared/http/errors';
import { type IdempotencyClaim, NO_CLAIM } from '../shared/idempotency/claim';
import { stepFor } from '../workflow/steps';
import { OrderStateConflictError } from './errors';
import { assertSeesOrder } from './partner-access';
import type { OrderScope } from './partner-scope';
import type { Actor, Order, ShipmentReport } from './schemas';
import { hasShipped } from './status';
import { changeOrder, getOrderRecord, type OrderRecord, toOrder, withOrderRetry } from './store';
import { failTask, owedAnswer, resumeTask } from './task-answers';

/**
 * What the fulfilment partner reports: shipped, delivered, or cannot fulfil. Each records the
 * report on the order (whether or not the workflow has parked its token yet), then answers the
 * waiting task. Plain functions of the report and who made it, so that the HTTP handlers and
 * the signed partner webhooks call the same code. A partner reports on the orders it serves only:
 * any other order is a 404, checked on the order as read before anything else is said of it.
 */

/** A delivery time may run ahead of this clock by this much (the partner's clock is not ours). */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

function assertNoStopPending(order: OrderRecord): void {
  if (order.cancelRequest) throw new OrderStateConflictError('The order is being cancelled.', order.status);
  if (order.fulfilmentFailure) {
    throw new OrderStateConflictError(
      'A fulfilment failure was reported; the order is being cancelled.',
      order.status,
    );
  }
}

/** IN_FULFILMENT → SHIPPED: the reserved stock leaves the warehouse in the same transaction. */
export async function reportShipment(
  tenantId: string,
  scope: OrderScope,
  orderId: string,
  report: ShipmentReport,
  actor: Actor,
  now: Date,
  claim: IdempotencyClaim = NO_CLAIM,
): Promise<Order> {
  const at = now.toISOString();
  const { before, after } = await withOrderRetry(async () => {
    const before = await getOrderRecord(tenantId, orderId);
    await assertSeesOrder(tenantId, scope, before);
    if (before.status === 'STOCK_RESERVED') {
      throw new OrderStateConflictError(
        'Fulfilment has not been requested yet; report the shipment after it is.',
        before.status,
      );
    }
    if (hasShipped(before.status)) {
      throw new OrderStateConflictError('The order has already shipped.', before.status);
    }
    if (before.status !== 'IN_FULFILMENT') {
      throw new OrderStateConflictError(
        `The order is ${before.status}: it is not being fulfilled.`,
        before.status,
      );
    }
    assertNoStopPending(before);
    const shipment = {
      carrier: report.carrier,
      trackingNumber: report.trackingNumber,
      shippedAt: at,
      reportedBy: actor.id,
    };
    const after = await changeOrder(tenantId, before, {
      toStatus: 'SHIPPED',
      set: {
        shipments: [...(before.shipments ?? []), shipment],
        ...owedAnswer(before.task, ['shipment'], { answer: 'success' }, at),
      },
      remove: ['task'],
      event: {
        type: 'SHIPPED',
        actor,
        details: { carrier: report.carrier, trackingNumber: report.trackingNumber },
      },
      also: [
        ...(before.reservations ?? []).map((r) => shipStock(tenantId, r.productId, r.quantity)),
        ...claim.items(orderId),
      ],
      now: at,
    });
    return { before, after };
  });
  await resumeTask(before.task, ['shipment'], stepFor(tenantId, after, now));
  return toOrder(after);
}

/** SHIPPED → DELIVERED, at the time the partner gives (not before the shipment, not in the future) or now. */
export async function reportDelivery(
  tenantId: string,
  scope: OrderScope,
  orderId: string,
  report: { deliveredAt?: string },
  actor: Actor,
  now: Date,
  claim: IdempotencyClaim = NO_CLAIM,
): Promise<Order> {
  const at = now.toISOString();
  const { before, after } = await withOrderRetry(async () => {
    const before = await getOrderRecord(tenantId, orderId);
    await assertSeesOrder(tenantId, scope, before);
    if (before.status === 'DELIVERED' || before.status === 'CLOSED') {
      throw new OrderStateConflictError('The order has already been delivered.', before.status);
    }
    if (before.status !== 'SHIPPED') {
      throw new OrderStateConflictError(`The order is ${before.status}: it has not shipped.`, before.status);
    }
    const deliveredAt = deliveryTime(report.deliveredAt, before, now);
    const after = await changeOrder(tenantId, before, {
      toStatus: 'DELIVERED',
      set: { deliveredAt, ...owedAnswer(before.task, ['delivery'], { answer: 'success' }, at) },
      remove: ['task'],
      event: { type: 'DELIVERED', actor, details: { deliveredAt } },
      also: claim.items(orderId),
      now: at,
    });
    return { before, after };
  });
  await resumeTask(before.task, ['delivery'], stepFor(tenantId, after, now));
  return toOrder(after);
}

function deliveryTime(given: string | undefined, order: OrderRecord, now: Date): string {
  if (given === undefined) return now.toISOString();
  const time = new Date(given);
  const shippedAt = order.shipments?.at(-1)?.shippedAt;
  if (shippedAt && time.getTime() < Date.parse(shippedAt)) {
    throw new ValidationError([
      { field: 'body.deliveredAt', message: `is before the shipment (${shippedAt})` },
    ]);
  }
  if (time.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw new ValidationError([{ field: 'body.deliveredAt', message: 'is in the future' }]);
  }
  return time.toISOString();
}

/**
 * The partner cannot fulfil the order (STOCK_RESERVED or IN_FULFILMENT). The report is recorded
 * and the waiting shipment task failed; the workflow's compensation releases the stock and
 * cancels the order, so the status does not change here.
 */
export async function reportFulfilmentFailure(
  tenantId: string,
  scope: OrderScope,
  orderId: string,
  reason: string,
  actor: Actor,
  now: Date,
  claim: IdempotencyClaim = NO_CLAIM,
): Promise<Order> {
  const at = now.toISOString();
  const { before, after } = await withOrderRetry(async () => {
    const before = await getOrderRecord(tenantId, orderId);
    await assertSeesOrder(tenantId, scope, before);
    if (hasShipped(before.status)) {
      throw new OrderStateConflictError('The order has already shipped.', before.status);
    }
    if (before.status !== 'STOCK_RESERVED' && before.status !== 'IN_FULFILMENT') {
      throw new OrderStateConflictError(
        `The order is ${before.status}: it is not being fulfilled.`,
        before.status,
      );
    }
    if (before.fulfilmentFailure) {
      throw new OrderStateConflictError(
        'A fulfilment failure was already reported for this order.',
        before.status,
      );
    }
    assertNoStopPending(before);
    const failingTask = before.task?.kind === 'shipment';
    const after = await changeOrder(tenantId, before, {
      set: {
        fulfilmentFailure: { reason, by: actor.id, at },
        ...owedAnswer(before.task, ['shipment'], { answer: 'failure', code: 'fulfilment-failed' }, at),
      },
      remove: failingTask ? ['task'] : [],
      event: { type: 'FULFILMENT_FAILURE_REPORTED', actor, details: { reason } },
      also: claim.items(orderId),
      now: at,
    });
    return { before, after };
  });
  await failTask(before.task, ['shipment'], orderId, 'fulfilment-failed');
  return toOrder(after);
}
