import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { updateCustomer } from './operations';
import * as store from './store';

export const handler = httpHandler(updateCustomer, async ({ principal, params, body, ifMatch }) => {
  const customer = await store.updateCustomer(
    principal.tenantId,
    params.customerId,
    ifMatch,
    body,
    new Date().toISOString(),
  );
  return json(200, customer, { etag: etagOf(customer.version) });
});
