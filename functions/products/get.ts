import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { getProduct } from './operations';
import * as store from './store';

export const handler = httpHandler(getProduct, async ({ principal, params }) => {
  const product = await store.getProduct(principal.tenantId, params.productId);
  return json(200, product, { etag: etagOf(product.version) });
});
