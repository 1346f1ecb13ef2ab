import { getOrderRecord, withOrderRetry } from '../orders/store';
import { taskHandler } from '../shared/task/handler';
import { orderCancelled, unexpectedStatus } from './errors';
import { OrderTaskInput } from './inputs';
import { CONTENDED_ATTEMPTS, reserveOrderStock } from './reservation';
import { stepFor } from './steps';

/**
 * ReserveStock — after a person approved the order (an auto-approved one is reserved by Advance
 * itself): APPROVED → STOCK_RESERVED, all lines or none (see `reserveOrderStock`); a line short of
 * stock fails the task with InsufficientStock, which compensation turns into INSUFFICIENT_STOCK.
 * An order already reserved is left as it is (a restarted execution). DynamoDB: a GetItem and one
 * transaction (order, event, one item per line).
 */
export const handler = taskHandler('reserveStock', OrderTaskInput, async ({ tenantId, orderId }, now) =>
  withOrderRetry(async () => {
    const order = await getOrderRecord(tenantId, orderId);
    if (order.cancelRequest) throw orderCancelled();
    if (order.status === 'STOCK_RESERVED' || order.status === 'IN_FULFILMENT')
      return stepFor(tenantId, order, now);
    if (order.status !== 'APPROVED') throw unexpectedStatus('ReserveStock', order.status);
    return stepFor(tenantId, await reserveOrderStock(tenantId, order, now), now);
  }, CONTENDED_ATTEMPTS),
);
