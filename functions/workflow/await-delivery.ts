import { getOrderRecord, withOrderRetry } from '../orders/store';
import { taskHandler } from '../shared/task/handler';
import { succeedTask } from './answer';
import { unexpectedStatus } from './errors';
import { TokenTaskInput } from './inputs';
import { stepFor } from './steps';
import { parkTask } from './store';

/**
 * AwaitDelivery (waitForTaskToken, 30 days) — SHIPPED: the token waits on the order for the
 * partner's delivery report; an order delivered before the token was kept answers at once.
 * DynamoDB: a GetItem, then an UpdateItem when it parks.
 */
export const handler = taskHandler(
  'awaitDelivery',
  TokenTaskInput,
  async ({ tenantId, orderId, taskToken }, now) => {
    const step = await withOrderRetry(async () => {
      const order = await getOrderRecord(tenantId, orderId);
      if (order.status === 'DELIVERED' || order.status === 'CLOSED') return stepFor(tenantId, order, now);
      if (order.status !== 'SHIPPED') throw unexpectedStatus('AwaitDelivery', order.status);
      await parkTask(tenantId, order, { kind: 'delivery', token: taskToken, enteredAt: now.toISOString() });
      return undefined;
    });
    if (step) await succeedTask(taskToken, step);
    return { waiting: step === undefined };
  },
);
