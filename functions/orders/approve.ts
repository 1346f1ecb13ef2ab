import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { approveOrder as approve } from './approve-order';
import { approveOrder } from './operations';

export const handler = httpHandler(approveOrder, async ({ principal, params, body }) => {
  const order = await approve(principal, params.orderId, body, new Date());
  return json(200, order, { etag: etagOf(order.version) });
});
