import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { updateProduct } from './operations';
import * as store from './store';

export const handler = httpHandler(updateProduct, async ({ principal, params, body, ifMatch }) => {
  const product = await store.updateProduct(
    principal.tenantId,
    params.productId,
    ifMatch,
    body,
    new Date().toISOString(),
  );
  return json(200, product, { etag: etagOf(product.version) });
});
