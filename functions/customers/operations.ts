import { TERMS_SETTERS } from '../shared/auth/roles';
import { BatchResult, batchBody } from '../shared/http/batch';
import { pick } from '../shared/http/common-responses';
import { defineOperation } from '../shared/http/operation';
import {
  Customer,
  CustomerCreate,
  CustomerIdParams,
  CustomerListQuery,
  CustomerPage,
  CustomerPatch,
} from './schemas';

const tag = 'Customers';
const readers = ['admin', 'sales', 'approver', 'analyst', 'integration', 'finance'] as const;
const writers = ['admin', 'finance', 'sales', 'integration'] as const;
/** The credit limit is what the approval rules' credit conditions read: only those who set terms set it. */
const terms = { creditLimit: TERMS_SETTERS };

export const createCustomer = defineOperation({
  operationId: 'createCustomer',
  method: 'POST',
  path: '/v1/customers',
  summary: 'Create a customer',
  description:
    '`creditLimit` is a commercial term: admin and finance only (403 naming the field for anyone else).',
  tag,
  auth: { roles: writers, fields: terms },
  body: CustomerCreate,
  idempotent: true,
  responses: {
    201: { description: 'Created', schema: Customer },
    ...pick(400, 401, 403, 409, 413, 415, 422),
  },
});

export const getCustomer = defineOperation({
  operationId: 'getCustomer',
  method: 'GET',
  path: '/v1/customers/{customerId}',
  summary: 'Get a customer',
  tag,
  auth: { roles: readers },
  params: CustomerIdParams,
  responses: {
    200: { description: 'The customer; ETag carries its version', schema: Customer },
    ...pick(400, 401, 403, 404),
  },
});

export const listCustomers = defineOperation({
  operationId: 'listCustomers',
  method: 'GET',
  path: '/v1/customers',
  summary: 'List customers, oldest first; all, by country or by tag',
  description:
    '`country` lists the customers whose primary `address` is in that country, `tag` those with that tag (case does not matter); one filter at a time. Each page is one Query on a partition of its own (a tag’s page also reads its customers in one BatchGetItem).',
  tag,
  auth: { roles: readers },
  query: CustomerListQuery,
  responses: { 200: { description: 'One page', schema: CustomerPage }, ...pick(400, 401, 403) },
});

export const batchCreateCustomers = defineOperation({
  operationId: 'batchCreateCustomers',
  method: 'POST',
  path: '/v1/customers/batch',
  summary: 'Create up to 100 customers, each on its own',
  description:
    'Each item is a customer as `POST /v1/customers` takes it, validated and created on its own: one bad item is `rejected` (with the problem a single create would give, its fields named `body.items.<i>.…`) and the others are created. An item whose `externalRef` a customer already has is `existing`, with that customer’s id, so a re-import creates nothing. `creditLimit` is a commercial term: an item that carries it from a caller who is neither admin nor finance is rejected with 403 naming `body.items.<i>.creditLimit`. Send an Idempotency-Key: a retry after a timeout reports what committed as `existing` and creates only the rest.',
  tag,
  auth: { roles: writers, fields: terms },
  body: batchBody(
    'A customer, as the body of POST /v1/customers: name, email, phone, address, contacts, addresses, creditLimit, tags, segments, externalRef',
  ),
  idempotent: 'per-item',
  maxBodyBytes: 1024 * 1024,
  responses: {
    200: { description: 'One result per item, in request order', schema: BatchResult },
    ...pick(400, 401, 403, 413, 415, 422),
  },
});

export const updateCustomer = defineOperation({
  operationId: 'updateCustomer',
  method: 'PATCH',
  path: '/v1/customers/{customerId}',
  summary: 'Change a customer (JSON merge patch; If-Match required)',
  description:
    '`creditLimit` is a commercial term: admin and finance only (403 naming the field for anyone else), and each change of it writes an audit record in the same transaction.',
  tag,
  auth: { roles: writers, fields: terms },
  params: CustomerIdParams,
  body: CustomerPatch,
  requiresIfMatch: true,
  responses: {
    200: { description: 'The changed customer', schema: Customer },
    ...pick(400, 401, 403, 404, 412, 413, 415, 428),
  },
});
