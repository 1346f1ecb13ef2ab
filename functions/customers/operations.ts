import { TERMS_SETTERS } from '../shared/auth/roles';
import { pick } from '../shared/http/common-responses';
import { defineOperation } from '../shared/http/operation';
import { ListQuery } from '../shared/schemas';
import { Customer, CustomerCreate, CustomerIdParams, CustomerPage, CustomerPatch } from './schemas';

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
  summary: 'List customers, oldest first',
  tag,
  auth: { roles: readers },
  query: ListQuery,
  responses: { 200: { description: 'One page', schema: CustomerPage }, ...pick(400, 401, 403) },
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
