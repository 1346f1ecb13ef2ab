import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { reportFulfilmentFailure as report } from './fulfilment-reports';
import { reportFulfilmentFailure } from './operations';
import { orderScopeOf } from './partner-scope';

export const handler = httpHandler(reportFulfilmentFailure, async ({ principal, params, body }) => {
  const actor = { type: 'user' as const, id: principal.userId };
  const scope = orderScopeOf(principal);
  const order = await report(principal.tenantId, scope, params.orderId, body.reason, actor, new Date());
  return json(202, order, { etag: etagOf(order.version) });
});
