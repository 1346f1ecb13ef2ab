import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { createProduct } from './operations';
import * as store from './store';

export const handler = httpHandler(createProduct, async ({ principal, body }) => {
  const product = await store.createProduct(principal.tenantId, body, new Date().toISOString());
  return json(201, product, { etag: etagOf(product.version), location: `/v1/products/${product.id}` });
});
