import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { adjustStock } from './operations';
import type { Product } from './schemas';
import * as store from './store';

const adjusted = (product: Product) => json(200, product, { etag: etagOf(product.version) });

export const handler = httpHandler(
  adjustStock,
  async ({ principal, params, body, claim }) =>
    adjusted(
      await store.adjustStock(principal.tenantId, params.productId, body, new Date().toISOString(), claim),
    ),
  {
    replay: async ({ principal }, record) =>
      adjusted(await store.getProduct(principal.tenantId, record.resourceId)),
  },
);
