import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { listProducts } from './operations';
import * as store from './store';

export const handler = httpHandler(listProducts, async ({ principal, query }) => {
  return json(200, await store.listProducts(principal.tenantId, query.limit, query.cursor));
});
