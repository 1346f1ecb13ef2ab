import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { reportShipment } from './fulfilment-reports';
import { recordShipment } from './operations';

export const handler = httpHandler(recordShipment, async ({ principal, params, body }) => {
  const actor = { type: 'user' as const, id: principal.userId };
  const order = await reportShipment(principal.tenantId, params.orderId, body, actor, new Date());
  return json(201, order, { etag: etagOf(order.version), location: `/v1/orders/${order.id}` });
});
