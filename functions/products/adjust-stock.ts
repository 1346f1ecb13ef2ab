import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { adjustStock } from './operations';
import * as store from './store';

export const handler = httpHandler(adjustStock, async ({ principal, params, body }) => {
  const product = await store.adjustStock(
    principal.tenantId,
    params.productId,
    body,
    new Date().toISOString(),
  );
  return json(200, product, { etag: etagOf(product.version) });
});
