import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { createProduct } from './operations';
import type { Product } from './schemas';
import * as store from './store';

const created = (product: Product) =>
  json(201, product, { etag: etagOf(product.version), location: `/v1/products/${product.id}` });

export const handler = httpHandler(
  createProduct,
  async ({ principal, body, claim }) =>
    created(await store.createProduct(principal.tenantId, body, new Date().toISOString(), claim)),
  {
    replay: async ({ principal }, record) =>
      created(await store.getProduct(principal.tenantId, record.resourceId)),
  },
);
