import { NotFoundError } from '../shared/http/errors';
import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { getOrderTimeline } from './operations';
import { orderScopeOf } from './partner-scope';
import * as store from './store';

export const handler = httpHandler(getOrderTimeline, async ({ principal, params, query }) => {
  const scope = orderScopeOf(principal);
  const page = await store.listTimeline(principal.tenantId, scope, params.orderId, query.limit, query.cursor);
  // An order is written with its first event: no events means no such order in this tenant.
  if (page.items.length === 0 && query.cursor === undefined) throw new NotFoundError('Order', params.orderId);
  return json(200, page);
});
