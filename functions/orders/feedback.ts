import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { submitFeedback } from './operations';
import { submitFeedback as submit } from './submit-feedback';

export const handler = httpHandler(submitFeedback, async ({ principal, params, body }) => {
  const order = await submit(principal, params.orderId, body, new Date());
  return json(200, order, { etag: etagOf(order.version) });
});
