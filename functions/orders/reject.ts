import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { rejectOrder } from './operations';
import { rejectOrder as reject } from './reject-order';

export const handler = httpHandler(rejectOrder, async ({ principal, params, body }) => {
  const order = await reject(principal, params.orderId, body.comment, new Date());
  return json(200, order, { etag: etagOf(order.version) });
});
