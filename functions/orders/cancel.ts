import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { cancelOrder as requestCancel } from './cancel-order';
import { cancelOrder } from './operations';

export const handler = httpHandler(cancelOrder, async ({ principal, params, body }) => {
  const order = await requestCancel(principal, params.orderId, body.reason, new Date());
  return json(202, order, { etag: etagOf(order.version) });
});
