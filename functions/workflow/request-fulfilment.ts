import { partnerIndexAttributes } from '../orders/keys';
import { hasShipped } from '../orders/status';
import { getOrderRecord, withOrderRetry } from '../orders/store';
import { type PartnerRouting, partnerFor } from '../settings/fulfilment-partners';
import { getPartnerRouting } from '../settings/store';
import { taskHandler } from '../shared/task/handler';
import type { TaskFailureCode } from '../shared/workflow/task-failures';
import { failTask, succeedTask } from './answer';
import { unexpectedStatus } from './errors';
import { TokenTaskInput } from './inputs';
import { stepFor, type WorkflowStep } from './steps';
import { changeOrderStep, parkTask } from './store';

type Outcome = { fail: TaskFailureCode } | { succeed: WorkflowStep } | { parked: true };

/**
 * RequestFulfilment (waitForTaskToken, 14 days) — STOCK_RESERVED → IN_FULFILMENT: the
 * FULFILMENT_REQUESTED event is the outbox the partner's webhook is sent from, and the token waits
 * on the order for the partner's shipment report. A restarted execution keeps the new token
 * (IN_FULFILMENT); an order that shipped meanwhile answers at once; a cancel request or a reported
 * failure fails the token into compensation. The same write assigns the order its fulfilment
 * partner (`partnerFor`, from the tenant's routing): the partner that is asked is the one that may
 * then see and report on it. DynamoDB: a GetItem, then the routing (GetItem) and a transaction
 * (first time) or an UpdateItem (parking again).
 */
export const handler = taskHandler(
  'requestFulfilment',
  TokenTaskInput,
  async ({ tenantId, orderId, taskToken }, now) => {
    let routing: PartnerRouting | undefined;
    const outcome = await withOrderRetry(async (): Promise<Outcome> => {
      const order = await getOrderRecord(tenantId, orderId);
      if (hasShipped(order.status)) return { succeed: stepFor(tenantId, order, now) };
      if (order.status !== 'STOCK_RESERVED' && order.status !== 'IN_FULFILMENT') {
        throw unexpectedStatus('RequestFulfilment', order.status);
      }
      if (order.cancelRequest) return { fail: 'order-cancelled' };
      if (order.fulfilmentFailure) return { fail: 'fulfilment-failed' };
      const at = now.toISOString();
      const task = { kind: 'shipment' as const, token: taskToken, enteredAt: at };
      if (order.status === 'IN_FULFILMENT') {
        await parkTask(tenantId, order, task);
        return { parked: true };
      }
      routing ??= (await getPartnerRouting(tenantId)).routing;
      const partnerId = partnerFor(order, routing);
      await changeOrderStep(tenantId, order, {
        toStatus: 'IN_FULFILMENT',
        set: { task, partnerId, ...partnerIndexAttributes(tenantId, order, partnerId) },
        event: {
          type: 'FULFILMENT_REQUESTED',
          actor: { type: 'system', id: 'workflow' },
          details: {
            number: order.number,
            partnerId,
            lines: order.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity })),
            ...(order.promisedDeliveryDate ? { promisedDeliveryDate: order.promisedDeliveryDate } : {}),
            // What the warehouse needs to address the parcel (absent on orders created before they were kept).
            ...(order.customerName ? { customerName: order.customerName } : {}),
            ...(order.shipTo ? { shipTo: order.shipTo } : {}),
          },
        },
        now: at,
      });
      return { parked: true };
    });
    if ('fail' in outcome) await failTask(taskToken, outcome.fail);
    if ('succeed' in outcome) await succeedTask(taskToken, outcome.succeed);
    return { waiting: 'parked' in outcome };
  },
);
