import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { getOrder } from './operations';
import { orderScopeOf } from './partner-scope';
import * as store from './store';

export const handler = httpHandler(getOrder, async ({ principal, params }) => {
  const order = await store.getOrder(principal.tenantId, orderScopeOf(principal), params.orderId);
  return json(200, order, { etag: etagOf(order.version) });
});
