import { getPartnerRouting } from '../settings/store';
import { NotFoundError } from '../shared/http/errors';
import { type OrderScope, scopeSees } from './partner-scope';

/** What deciding who may see an order needs of it. */
export interface PartnerOrder {
  id: string;
  /** Set when fulfilment is requested; absent before (and on orders from before partners). */
  partnerId?: string;
}

/**
 * The tenant's default partner, who serves every order not assigned yet. One GetItem (eventually
 * consistent: a new default reaches readers a moment later), made only for a partner-bound caller
 * looking at an unassigned order: assigned orders and tenant-wide callers cost nothing extra.
 */
const defaultPartnerOf = async (tenantId: string) =>
  (await getPartnerRouting(tenantId)).routing.defaultPartnerId;

/** Whether the scope sees this order of the tenant. */
export async function seesOrder(tenantId: string, scope: OrderScope, order: PartnerOrder): Promise<boolean> {
  if ('tenantWide' in scope) return true;
  return scopeSees(scope, order.partnerId ?? (await defaultPartnerOf(tenantId)));
}

/**
 * 404 for an order another partner serves, with the very problem a missing order gets: a partner
 * learns nothing of orders that are not its own, not even that they exist.
 */
export async function assertSeesOrder(
  tenantId: string,
  scope: OrderScope,
  order: PartnerOrder,
): Promise<void> {
  if (!(await seesOrder(tenantId, scope, order))) throw new NotFoundError('Order', order.id);
}

/** A test for many orders at once (a list): reads the default partner once, and only for a partner-bound scope. */
export async function orderFilterOf(
  tenantId: string,
  scope: OrderScope,
): Promise<(order: { partnerId?: string }) => boolean> {
  if ('tenantWide' in scope) return () => true;
  const fallback = await defaultPartnerOf(tenantId);
  return (order) => scopeSees(scope, order.partnerId ?? fallback);
}
