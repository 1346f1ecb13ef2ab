import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { createCustomer } from './operations';
import * as store from './store';

export const handler = httpHandler(createCustomer, async ({ principal, body }) => {
  const customer = await store.createCustomer(principal.tenantId, body, new Date().toISOString());
  return json(201, customer, { etag: etagOf(customer.version), location: `/v1/customers/${customer.id}` });
});
