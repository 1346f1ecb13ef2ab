import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { listOrders } from './operations';
import * as store from './store';

export const handler = httpHandler(listOrders, async ({ principal, query }) => {
  return json(200, await store.listOrders(principal.tenantId, query));
});
