import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { reportDelivery } from './fulfilment-reports';
import { recordDelivery } from './operations';

export const handler = httpHandler(recordDelivery, async ({ principal, params, body }) => {
  const actor = { type: 'user' as const, id: principal.userId };
  const order = await reportDelivery(principal.tenantId, params.orderId, body, actor, new Date());
  return json(200, order, { etag: etagOf(order.version) });
});
