import { collectionKey, entityKey, tenantKey } from '../shared/db/keys';
import type { OrderStatus } from './status';

/**
 * Order keys. The order and its timeline share a partition (`T#t#ORDER#id`): the order is
 * `sk = ORDER`, each event `sk = EVENT#000001…` numbered by the order version it produced, so
 * the timeline is one Query in order and an event cannot be written twice.
 */
export const ORDER_ENTITY = 'ORDER';
export const ORDER_EVENT_ENTITY = 'ORDER_EVENT';
export const ORDERS_COLLECTION = 'ORDERS';

export const orderKey = (tenantId: string, orderId: string) => entityKey(tenantId, ORDER_ENTITY, orderId);

export const eventKey = (tenantId: string, orderId: string, seq: number) => ({
  pk: orderKey(tenantId, orderId).pk,
  sk: `EVENT#${String(seq).padStart(6, '0')}`,
});

export const statusPartition = (tenantId: string, status: OrderStatus) =>
  `${tenantKey(tenantId)}#ORDERS#${status}`;
export const customerPartition = (tenantId: string, customerId: string) =>
  `${tenantKey(tenantId)}#CUSTOMER#${customerId}#ORDERS`;
export const inboxPartition = (tenantId: string, role: string) => `${tenantKey(tenantId)}#APPROVALS#${role}`;
export const partnerPartition = (tenantId: string, partnerId: string) =>
  `${tenantKey(tenantId)}#PARTNER#${partnerId}`;
export const counterKey = (tenantId: string, year: number) => entityKey(tenantId, 'COUNTER', `ORDER#${year}`);

/** The index attributes an order item carries; `createdAt#id` sorts by creation time. */
export function orderIndexAttributes(
  tenantId: string,
  order: { id: string; customerId: string; status: OrderStatus; createdAt: string },
) {
  const byTime = `${order.createdAt}#${order.id}`;
  return {
    collectionPk: collectionKey(tenantId, ORDERS_COLLECTION),
    collectionSk: order.id,
    statusPk: statusPartition(tenantId, order.status),
    statusSk: byTime,
    customerPk: customerPartition(tenantId, order.customerId),
    customerSk: byTime,
  };
}

/**
 * The `ordersByPartner` entry of an order, written when fulfilment assigns it a partner (the
 * index is sparse: orders not assigned yet are not in it), sorted by creation like the others.
 */
export function partnerIndexAttributes(
  tenantId: string,
  order: { id: string; createdAt: string },
  partnerId: string,
) {
  return { partnerPk: partnerPartition(tenantId, partnerId), partnerSk: `${order.createdAt}#${order.id}` };
}
