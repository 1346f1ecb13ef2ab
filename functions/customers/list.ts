import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { listCustomers } from './operations';
import * as store from './store';

export const handler = httpHandler(listCustomers, async ({ principal, query }) => {
  return json(200, await store.listCustomers(principal.tenantId, query.limit, query.cursor));
});
