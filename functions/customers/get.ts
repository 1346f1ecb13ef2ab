import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { getCustomer } from './operations';
import * as store from './store';

export const handler = httpHandler(getCustomer, async ({ principal, params }) => {
  const customer = await store.getCustomer(principal.tenantId, params.customerId);
  return json(200, customer, { etag: etagOf(customer.version) });
});
