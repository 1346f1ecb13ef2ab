import { ownerOf } from '../shared/db/unique-values';
import type { OrderListFilter } from './list-store';
import { seesOrder } from './partner-access';
import type { OrderScope } from './partner-scope';
import type { Order } from './schemas';
import { getOrderRecord, toOrder } from './store';

export interface ReferenceFilter {
  number?: string;
  externalRef?: string;
}

/**
 * The order with this number or external reference, as a page of at most one: the value's
 * uniqueness item names the order (one GetItem), then the order is read (one GetItem). Other
 * filters given with it must hold too, or the page is empty; so must the scope (another partner's
 * order is not found).
 */
export async function findByReference(
  tenantId: string,
  scope: OrderScope,
  by: ReferenceFilter,
  filter: Omit<OrderListFilter, 'limit' | 'cursor'>,
): Promise<{ items: Order[] }> {
  const owners = await Promise.all([
    by.number === undefined ? undefined : ownerOf(tenantId, 'ORDER_NUMBER', by.number),
    by.externalRef === undefined ? undefined : ownerOf(tenantId, 'ORDER_REF', by.externalRef),
  ]);
  const ids = new Set(owners.filter((id) => id !== undefined));
  const asked = (by.number === undefined ? 0 : 1) + (by.externalRef === undefined ? 0 : 1);
  const [id] = ids;
  if (id === undefined || ids.size !== 1 || owners.filter(Boolean).length !== asked) return { items: [] };
  const record = await getOrderRecord(tenantId, id);
  if (!(await seesOrder(tenantId, scope, record))) return { items: [] };
  const order = toOrder(record);
  const matches =
    (filter.status === undefined || order.status === filter.status) &&
    (filter.customerId === undefined || order.customerId === filter.customerId) &&
    (filter.createdFrom === undefined || Date.parse(order.createdAt) >= Date.parse(filter.createdFrom)) &&
    (filter.createdTo === undefined || Date.parse(order.createdAt) < Date.parse(filter.createdTo));
  return { items: matches ? [order] : [] };
}
