import { TERMS_SETTERS } from '../shared/auth/roles';
import { BatchResult, batchBody } from '../shared/http/batch';
import { pick } from '../shared/http/common-responses';
import { defineOperation } from '../shared/http/operation';
import { ListQuery } from '../shared/schemas';
import {
  Product,
  ProductCreate,
  ProductIdParams,
  ProductPage,
  ProductPatch,
  StockAdjustment,
} from './schemas';

const tag = 'Products';
const readers = ['admin', 'sales', 'approver', 'fulfilment', 'analyst', 'integration', 'finance'] as const;
const writers = ['admin', 'finance', 'sales', 'integration'] as const;
/** What approval rules read of a product: only those who set commercial terms change it. */
const terms = { unitPrice: TERMS_SETTERS, category: TERMS_SETTERS, active: TERMS_SETTERS };
const stockKeepers = ['admin', 'fulfilment', 'integration'] as const;

export const createProduct = defineOperation({
  operationId: 'createProduct',
  method: 'POST',
  path: '/v1/products',
  summary: 'Create a product',
  description:
    'The SKU must be new in the tenant. `stock.onHand` sets the initial stock (default 0). A new product sets its price and category, which are commercial terms: admin and finance only.',
  tag,
  auth: { roles: TERMS_SETTERS },
  body: ProductCreate,
  idempotent: true,
  responses: {
    201: { description: 'Created', schema: Product },
    ...pick(400, 401, 403, 409, 413, 415, 422),
    409: {
      description: 'The SKU is taken (sku-taken), or a request with this Idempotency-Key is in progress',
    },
  },
});

export const batchCreateProducts = defineOperation({
  operationId: 'batchCreateProducts',
  method: 'POST',
  path: '/v1/products/batch',
  summary: 'Create up to 100 products, each on its own',
  description:
    'Each item is a product as `POST /v1/products` takes it, validated and created on its own: one bad item is `rejected` (with the problem a single create would give, its fields named `body.items.<i>.…`) and the others are created. An item whose SKU the tenant has already is `existing`, with that product’s id (nothing about it changes), so a re-import creates nothing. As for `POST /v1/products`, every product sets its price and category, which are commercial terms: admin and finance only. Send an Idempotency-Key: a retry after a timeout reports what committed as `existing` and creates only the rest.',
  tag,
  auth: { roles: TERMS_SETTERS },
  body: batchBody(
    'A product, as the body of POST /v1/products: sku, name, description, category, unitPrice, active, stock',
  ),
  idempotent: 'per-item',
  maxBodyBytes: 1024 * 1024,
  responses: {
    200: { description: 'One result per item, in request order', schema: BatchResult },
    ...pick(400, 401, 403, 413, 415, 422),
  },
});

export const getProduct = defineOperation({
  operationId: 'getProduct',
  method: 'GET',
  path: '/v1/products/{productId}',
  summary: 'Get a product',
  tag,
  auth: { roles: readers },
  params: ProductIdParams,
  responses: {
    200: { description: 'The product; ETag carries the version of its catalogue fields', schema: Product },
    ...pick(400, 401, 403, 404),
  },
});

export const listProducts = defineOperation({
  operationId: 'listProducts',
  method: 'GET',
  path: '/v1/products',
  summary: 'List products, oldest first',
  tag,
  auth: { roles: readers },
  query: ListQuery,
  responses: { 200: { description: 'One page', schema: ProductPage }, ...pick(400, 401, 403) },
});

export const updateProduct = defineOperation({
  operationId: 'updateProduct',
  method: 'PATCH',
  path: '/v1/products/{productId}',
  summary: 'Change a product (JSON merge patch; If-Match required)',
  description:
    'Changes catalogue fields only: the SKU never changes, and stock moves by stock adjustments. `unitPrice`, `category` and `active` are commercial terms (admin, finance: 403 naming the field for anyone else); each change of one writes an audit record in the same transaction.',
  tag,
  auth: { roles: writers, fields: terms },
  params: ProductIdParams,
  body: ProductPatch,
  requiresIfMatch: true,
  responses: {
    200: { description: 'The changed product', schema: Product },
    ...pick(400, 401, 403, 404, 412, 413, 415, 428),
  },
});

export const adjustStock = defineOperation({
  operationId: 'adjustStock',
  method: 'POST',
  path: '/v1/products/{productId}/stock-adjustments',
  summary: 'Add units to or remove units from stock',
  description:
    'Applied atomically, so concurrent adjustments never lose an update and never take stock below zero or below ' +
    'the units reserved for orders. Needs no If-Match and does not change the version (ETag): the version guards ' +
    'the catalogue fields only. Send an Idempotency-Key so that a retry is not applied twice.',
  tag,
  auth: { roles: stockKeepers, scope: 'stock:write' },
  params: ProductIdParams,
  body: StockAdjustment,
  idempotent: true,
  responses: {
    200: { description: 'The product with its new stock', schema: Product },
    ...pick(400, 401, 403, 404, 409, 413, 415, 422),
    409: {
      description:
        'Not enough available stock for the decrease (insufficient-stock), the increase would exceed the stock ' +
        'limit (stock-limit), or a request with this Idempotency-Key is in progress',
    },
  },
});
