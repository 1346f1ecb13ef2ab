import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { createOrder as accept } from './create-order';
import { createOrder } from './operations';

export const handler = httpHandler(createOrder, async ({ principal, body }) => {
  const order = await accept(principal, body, new Date());
  return json(201, order, { etag: etagOf(order.version), location: `/v1/orders/${order.id}` });
});
