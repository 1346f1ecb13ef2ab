import { hasShipped } from '../orders/status';
import { changeOrder, getOrderRecord, withOrderRetry } from '../orders/store';
import { taskHandler } from '../shared/task/handler';
import { failTask, succeedTask } from './answer';
import { unexpectedStatus } from './errors';
import { TokenTaskInput } from './inputs';
import { stepFor, WORKFLOW_ERRORS, type WorkflowStep } from './steps';
import { parkTask } from './store';

type Outcome = { fail: string; cause: string } | { succeed: WorkflowStep } | { parked: true };

/**
 * RequestFulfilment (waitForTaskToken, 14 days) — STOCK_RESERVED → IN_FULFILMENT: the
 * FULFILMENT_REQUESTED event is the outbox the partner's webhook is sent from, and the token waits
 * on the order for the partner's shipment report. A restarted execution keeps the new token
 * (IN_FULFILMENT); an order that shipped meanwhile answers at once; a cancel request or a reported
 * failure fails the token into compensation. DynamoDB: a GetItem, then a transaction (first time)
 * or an UpdateItem (parking again).
 */
export const handler = taskHandler(
  'requestFulfilment',
  TokenTaskInput,
  async ({ tenantId, orderId, taskToken }, now) => {
    const outcome = await withOrderRetry(async (): Promise<Outcome> => {
      const order = await getOrderRecord(tenantId, orderId);
      if (hasShipped(order.status)) return { succeed: stepFor(tenantId, order, now) };
      if (order.status !== 'STOCK_RESERVED' && order.status !== 'IN_FULFILMENT') {
        throw unexpectedStatus('RequestFulfilment', order.status);
      }
      if (order.cancelRequest) return { fail: WORKFLOW_ERRORS.cancelled, cause: order.cancelRequest.reason };
      if (order.fulfilmentFailure)
        return { fail: WORKFLOW_ERRORS.fulfilmentFailed, cause: order.fulfilmentFailure.reason };
      const at = now.toISOString();
      const task = { kind: 'shipment' as const, token: taskToken, enteredAt: at };
      if (order.status === 'IN_FULFILMENT') {
        await parkTask(tenantId, order, task);
        return { parked: true };
      }
      await changeOrder(tenantId, order, {
        toStatus: 'IN_FULFILMENT',
        set: { task },
        event: {
          type: 'FULFILMENT_REQUESTED',
          actor: { type: 'system', id: 'workflow' },
          details: {
            number: order.number,
            lines: order.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity })),
            ...(order.promisedDeliveryDate ? { promisedDeliveryDate: order.promisedDeliveryDate } : {}),
          },
        },
        now: at,
      });
      return { parked: true };
    });
    if ('fail' in outcome) await failTask(taskToken, outcome.fail, outcome.cause);
    if ('succeed' in outcome) await succeedTask(taskToken, outcome.succeed);
    return { waiting: 'parked' in outcome };
  },
);
