import { getCustomer } from '../customers/store';
import { catalogueEntries } from '../products/catalogue';
import type { Principal } from '../shared/auth/principal';
import { NotFoundError } from '../shared/http/errors';
import { newId } from '../shared/ids';
import { logger } from '../shared/logger';
import { workflow } from '../shared/workflow/port';
import { UnprocessableOrderError } from './errors';
import { formatOrderNumber, priceOrder } from './pricing';
import type { Order, OrderCreate } from './schemas';
import { nextOrderSequence, putNewOrder } from './store';

/** What the workflow execution gets: enough to load the order, nothing more. */
export interface OrderWorkflowInput {
  tenantId: string;
  orderId: string;
}

/**
 * Accepts an order: checks the customer, prices the lines from the catalogue, numbers it,
 * writes it with its first timeline event in one transaction, then starts its workflow
 * (execution name = order id, so a second start cannot run it twice).
 */
export async function createOrder(principal: Principal, input: OrderCreate, now: Date): Promise<Order> {
  const { tenantId } = principal;
  const customer = await getCustomer(tenantId, input.customerId).catch((error) => {
    if (error instanceof NotFoundError) {
      throw new UnprocessableOrderError('unknown-customer', 'The customer does not exist', [
        { field: 'body.customerId', message: `no customer '${input.customerId}'` },
      ]);
    }
    throw error;
  });
  if (customer.creditLimit && customer.creditLimit.currency !== input.currency) {
    throw new UnprocessableOrderError(
      'currency-mismatch',
      'The order is in another currency than the customer’s account',
      [
        {
          field: 'body.currency',
          message: `the customer's credit limit is in ${customer.creditLimit.currency}`,
        },
      ],
    );
  }
  const { lines, totals } = priceOrder(
    input,
    await catalogueEntries(
      tenantId,
      input.lines.map((l) => l.sku),
    ),
  );

  const at = now.toISOString();
  const year = now.getUTCFullYear();
  const order: Order = {
    id: newId(),
    number: formatOrderNumber(year, await nextOrderSequence(tenantId, year)),
    customerId: input.customerId,
    currency: input.currency,
    lines,
    totals,
    total: { amountMinor: totals.totalMinor, currency: input.currency },
    ...(input.promisedDeliveryDate ? { promisedDeliveryDate: input.promisedDeliveryDate } : {}),
    ...(input.needIds?.length ? { needIds: input.needIds } : {}),
    status: 'SUBMITTED',
    statusChangedAt: at,
    createdBy: principal.userId,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await putNewOrder(tenantId, order, {
    type: 'ORDER_SUBMITTED',
    actor: { type: 'user', id: principal.userId },
    details: {
      number: order.number,
      totalMinor: totals.totalMinor,
      currency: order.currency,
      lines: lines.length,
    },
  });

  const start: OrderWorkflowInput = { tenantId, orderId: order.id };
  try {
    await workflow().startExecution({ stateMachine: 'orderLifecycle', name: order.id, input: start });
  } catch (error) {
    // The order is committed: answering 5xx now would make the client retry into a second
    // order. The workflow is started again by the reconciler (the twin does it on start).
    logger.error('could not start the order workflow', { orderId: order.id, error: error as Error });
  }
  return order;
}
