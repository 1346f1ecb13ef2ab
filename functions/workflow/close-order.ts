import { closeOrderOnCustomer } from '../customers/balance-items';
import { getOrderRecord, withOrderRetry } from '../orders/store';
import { taskHandler } from '../shared/task/handler';
import { unexpectedStatus } from './errors';
import { evaluateOrder } from './evaluation';
import { OrderTaskInput } from './inputs';
import { stepFor } from './steps';
import { changeOrderStep, statusEvents } from './store';

/**
 * CloseOrder — DELIVERED → CLOSED with the order's evaluation (time per stage, cycle time, on
 * time, approval SLA), and the customer's record told in the same transaction: the total leaves
 * the open balance, one more closed order. DynamoDB: a GetItem, a Query (the timeline) and one
 * transaction.
 */
export const handler = taskHandler('closeOrder', OrderTaskInput, async ({ tenantId, orderId }, now) =>
  withOrderRetry(async () => {
    const order = await getOrderRecord(tenantId, orderId);
    if (order.status === 'CLOSED') return stepFor(tenantId, order, now);
    if (order.status !== 'DELIVERED') throw unexpectedStatus('CloseOrder', order.status);
    const evaluation = evaluateOrder(order, await statusEvents(tenantId, orderId), now);
    const after = await changeOrderStep(tenantId, order, {
      toStatus: 'CLOSED',
      set: { evaluation },
      remove: ['task'],
      event: {
        type: 'ORDER_CLOSED',
        actor: { type: 'system', id: 'workflow' },
        details: {
          cycleSeconds: evaluation.cycleSeconds,
          onTime: evaluation.onTime,
          approvalSlaMet: evaluation.approvalSlaMet,
          escalations: evaluation.escalations,
        },
      },
      also: [closeOrderOnCustomer(tenantId, order.customerId, order.total.amountMinor)],
      now: now.toISOString(),
    });
    return stepFor(tenantId, after, now);
  }),
);
