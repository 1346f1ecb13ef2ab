import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { createCustomerBatch } from './batch-create';
import { batchCreateCustomers } from './operations';

export const handler = httpHandler(batchCreateCustomers, async ({ principal, body, idempotencyKey }) => {
  const request = { op: batchCreateCustomers, principal, idempotencyKey, now: new Date() };
  return json(200, await createCustomerBatch(request, body.items));
});
