import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { withDerivedPhone } from './derived-phone';
import { updateCustomer } from './operations';
import * as store from './store';

export const handler = httpHandler(updateCustomer, async ({ principal, params, body, ifMatch }) => {
  const patch = await withDerivedPhone(body, () => store.getCustomer(principal.tenantId, params.customerId));
  const customer = await store.updateCustomer(
    principal.tenantId,
    params.customerId,
    ifMatch,
    patch,
    new Date().toISOString(),
  );
  return json(200, customer, { etag: etagOf(customer.version) });
});
