import { getCustomer } from '../customers/store';
import { catalogueEntries } from '../products/catalogue';
import type { Principal } from '../shared/auth/principal';
import { claimUnique, valueTaken } from '../shared/db/unique-values';
import { WriteCancelledError } from '../shared/db/write-items';
import { afterCommit } from '../shared/faults';
import { NotFoundError } from '../shared/http/errors';
import { type IdempotencyClaim, NO_CLAIM } from '../shared/idempotency/claim';
import { newId } from '../shared/ids';
import { UnprocessableOrderError } from './errors';
import { assertNeedsExist } from './need-ids';
import { formatOrderNumber, priceOrder } from './pricing';
import type { Order, OrderCreate, OrderWarning } from './schemas';
import { shipToFor } from './ship-to';
import { shortLines } from './short-stock';
import { nextOrderSequence, putNewOrder } from './store';
import { startOrderWorkflow } from './workflow-start';

export interface AcceptedOrder {
  order: Order;
  warnings: OrderWarning[];
}

/**
 * Accepts an order: checks the customer and the needs it answers, prices the lines from the
 * catalogue, keeps the customer's country (reports group by it), numbers it, and
 * writes in one transaction the order, its first timeline event, the items that make its number
 * and `externalRef` unique, and the request's idempotency record; then starts its workflow
 * (execution name = order id, so a second start cannot run it twice). Lines the stock available
 * now cannot fill are accepted with a warning each.
 */
export async function createOrder(
  principal: Principal,
  input: OrderCreate,
  now: Date,
  claim: IdempotencyClaim = NO_CLAIM,
): Promise<AcceptedOrder> {
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
  // The needs' BatchGetItem runs beside the catalogue's: an order with needs takes no longer.
  const [catalogue] = await Promise.all([
    catalogueEntries(
      tenantId,
      input.lines.map((l) => l.sku),
    ),
    assertNeedsExist(tenantId, input.needIds),
  ]);
  const at = now.toISOString();
  const { lines, totals } = priceOrder(input, catalogue, at);
  const warnings = shortLines(lines, catalogue);

  const year = now.getUTCFullYear();
  const shipTo = shipToFor(customer, input.shipTo);
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
    ...(input.externalRef ? { externalRef: input.externalRef } : {}),
    ...(customer.address ? { customerCountry: customer.address.country } : {}),
    ...(shipTo ? { shipTo } : {}),
    customerName: customer.name,
    status: 'SUBMITTED',
    statusChangedAt: at,
    createdBy: principal.userId,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const ref = input.externalRef;
  const event = {
    type: 'ORDER_SUBMITTED',
    actor: { type: 'user' as const, id: principal.userId },
    details: {
      number: order.number,
      totalMinor: totals.totalMinor,
      currency: order.currency,
      lines: lines.length,
      ...(ref ? { externalRef: ref } : {}),
    },
  };
  try {
    await putNewOrder(tenantId, order, event, [
      claimUnique(tenantId, 'ORDER_NUMBER', order.number, order.id),
      ...(ref ? [claimUnique(tenantId, 'ORDER_REF', ref, order.id)] : []),
      ...claim.items(order.id, warnings.length ? { warnings } : undefined),
    ]);
  } catch (error) {
    // Items: order, event, number, then the ref (when given).
    if (ref && error instanceof WriteCancelledError && error.reasons[3])
      await valueTaken(tenantId, 'ORDER_REF', ref);
    throw error;
  }
  await afterCommit('createOrder');
  await startOrderWorkflow(tenantId, order.id);
  return { order, warnings };
}
