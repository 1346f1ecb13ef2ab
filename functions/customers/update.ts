import { auditContextOf } from '../audit/audited-update';
import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { withDerivedPhone } from './derived-phone';
import { updateCustomer } from './operations';
import * as store from './store';

export const handler = httpHandler(updateCustomer, async (input) => {
  const { principal, params, body, ifMatch } = input;
  const patch = await withDerivedPhone(body, () => store.getCustomer(principal.tenantId, params.customerId));
  const context = auditContextOf(updateCustomer, input);
  const now = new Date().toISOString();
  const customer = await store.updateCustomer(
    principal.tenantId,
    params.customerId,
    ifMatch,
    patch,
    now,
    context,
  );
  return json(200, customer, { etag: etagOf(customer.version) });
});
