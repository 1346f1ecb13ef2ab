import { auditContextOf } from '../audit/audited-update';
import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { updateProduct } from './operations';
import * as store from './store';

export const handler = httpHandler(updateProduct, async (input) => {
  const { principal, params, body, ifMatch } = input;
  const now = new Date().toISOString();
  const context = auditContextOf(updateProduct, input);
  const product = await store.updateProduct(
    principal.tenantId,
    params.productId,
    ifMatch,
    body,
    now,
    context,
  );
  return json(200, product, { etag: etagOf(product.version) });
});
