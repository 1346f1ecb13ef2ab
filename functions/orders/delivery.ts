import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { reportDelivery } from './fulfilment-reports';
import { recordDelivery } from './operations';
import { orderScopeOf } from './partner-scope';

export const handler = httpHandler(recordDelivery, async ({ principal, params, body }) => {
  const actor = { type: 'user' as const, id: principal.userId };
  const scope = orderScopeOf(principal);
  const order = await reportDelivery(principal.tenantId, scope, params.orderId, body, actor, new Date());
  return json(200, order, { etag: etagOf(order.version) });
});
