import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { createCustomer } from './operations';
import type { Customer } from './schemas';
import * as store from './store';

const created = (customer: Customer) =>
  json(201, customer, { etag: etagOf(customer.version), location: `/v1/customers/${customer.id}` });

export const handler = httpHandler(
  createCustomer,
  async ({ principal, body, claim }) =>
    created(await store.createCustomer(principal.tenantId, body, new Date().toISOString(), claim)),
  {
    replay: async ({ principal }, record) =>
      created(await store.getCustomer(principal.tenantId, record.resourceId)),
  },
);
