import { customerKey } from '../customers/keys';
import { domainTableName } from '../shared/db/client';
import { settled } from '../shared/db/settled';
import type { TransactItem } from '../shared/db/transact-item';
import { claimUnique, ownerOf } from '../shared/db/unique-values';
import { WriteCancelledError, writeItems } from '../shared/db/write-items';
import type { ItemOutcome } from '../shared/http/batch';
import { ConflictError } from '../shared/http/errors';
import type { IdempotencyClaim } from '../shared/idempotency/claim';
import { UnprocessableOrderError } from './errors';
import { type HistoryEvent, IMPORT_ACTOR } from './history-order';
import { itemSize, MAX_ITEM_BYTES } from './history-size';
import { eventKey, ORDER_ENTITY, ORDER_EVENT_ENTITY, orderIndexAttributes, orderKey } from './keys';
import type { Order } from './schemas';

/**
 * Writes an imported order in one transaction: the order item, its timeline (each event with its
 * own date and `imported: true`, which keeps it away from the live event consumers: manifest.ts),
 * the claim of its `externalRef`, one more closed order on the customer (as the live close counts
 * it: a customer with closed history is not a new customer to the approval rules), and the item's
 * idempotency record. No stock, no workflow, and none of the index attributes of live work (the
 * reconciler's, the approval inbox's, a partner's): history is final.
 *
 * An `externalRef` that is taken is `existing`, with the id of the order that has it: re-sending
 * history is a no-op. The customer's counter may be written by another order of the same customer
 * at the same moment (orders of one customer come together in an import): the transaction is then
 * cancelled with a conflict and tried again.
 */
export async function putImportedOrder(
  tenantId: string,
  order: Order,
  events: readonly HistoryEvent[],
  claim: IdempotencyClaim,
  field: string,
): Promise<ItemOutcome> {
  const table = domainTableName();
  const item = {
    ...orderKey(tenantId, order.id),
    ...orderIndexAttributes(tenantId, order),
    entity: ORDER_ENTITY,
    tenantId,
    ...order,
  };
  const size = itemSize(item);
  if (size > MAX_ITEM_BYTES)
    throw new UnprocessableOrderError('history-order-too-large', 'The order is too large to store', [
      {
        field: `${field}.lines`,
        message: `the order would take ${Math.ceil(size / 1024)} KB, more than the ${MAX_ITEM_BYTES / 1024} KB an item may hold: split it into several orders`,
      },
    ]);
  const ref = order.externalRef as string;
  const items: TransactItem[] = [
    { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
    ...events.map(
      (event): TransactItem => ({
        Put: {
          TableName: table,
          Item: {
            ...eventKey(tenantId, order.id, event.seq),
            entity: ORDER_EVENT_ENTITY,
            tenantId,
            orderId: order.id,
            ...event,
            actor: IMPORT_ACTOR,
            imported: true,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
    ),
    claimUnique(tenantId, 'ORDER_REF', ref, order.id),
    ...(order.status === 'CLOSED' ? [closedOnCustomer(tenantId, order.customerId)] : []),
    ...claim.items(order.id),
  ];
  const refAt = 1 + events.length;
  const customerAt = order.status === 'CLOSED' ? refAt + 1 : -1;
  for (let attempt = 1; ; attempt++) {
    try {
      await writeItems(items);
      return { outcome: 'created', id: order.id };
    } catch (error) {
      if (!(error instanceof WriteCancelledError)) throw error;
      if (error.reasons[refAt]) return { outcome: 'existing', id: await refOwner(tenantId, ref) };
      if (error.reasons[customerAt] === 'ConditionalCheckFailed')
        throw new UnprocessableOrderError('unknown-customer', 'The customer does not exist', [
          { field: `${field}.customerId`, message: `no customer '${order.customerId}'` },
        ]);
      if (!error.reasons.includes('TransactionConflict')) throw error;
      // Still contended: this order alone is refused (with nothing written), for the client to send again.
      if (attempt >= MAX_ATTEMPTS)
        throw new ConflictError(
          'history-order-contended',
          'The order’s customer was being written by other requests',
          'Other orders of the same customer were written at the same moment, every time this one was tried; nothing was written for it: send it again.',
        );
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 30));
    }
  }
}

const MAX_ATTEMPTS = 5;

const closedOnCustomer = (tenantId: string, customerId: string): TransactItem => ({
  Update: {
    TableName: domainTableName(),
    Key: customerKey(tenantId, customerId),
    UpdateExpression: 'ADD #closed :one',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#closed': 'closedOrders' },
    ExpressionAttributeValues: { ':one': 1 },
  },
});

/** The order that holds the reference: read until the claim that refused this one has committed. */
async function refOwner(tenantId: string, ref: string): Promise<string> {
  const owner = await settled(() => ownerOf(tenantId, 'ORDER_REF', ref));
  if (owner) return owner;
  throw new ConflictError(
    'external-ref-contended',
    'The externalRef is being written by another request',
    'Another request is creating an order with this externalRef right now; retry shortly.',
  );
}
