import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { createProductBatch } from './batch-create';
import { batchCreateProducts } from './operations';

export const handler = httpHandler(batchCreateProducts, async ({ principal, body, idempotencyKey }) => {
  const request = { op: batchCreateProducts, principal, idempotencyKey, now: new Date() };
  return json(200, await createProductBatch(request, body.items));
});
