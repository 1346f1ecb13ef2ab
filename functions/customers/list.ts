import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { listCustomerPage } from './list-store';
import { listCustomers } from './operations';

export const handler = httpHandler(listCustomers, async ({ principal, query }) =>
  json(200, await listCustomerPage(principal.tenantId, query)),
);
