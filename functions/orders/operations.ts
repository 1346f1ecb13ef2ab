import { APPROVING_ROLES } from '../shared/auth/roles';
import { BatchResult, batchBody } from '../shared/http/batch';
import { pick } from '../shared/http/common-responses';
import { defineOperation } from '../shared/http/operation';
import { ListQuery } from '../shared/schemas';
import { MAX_HISTORY_LINES } from './history-schema';
import {
  ApprovalsQuery,
  ApproveBody,
  CancelBody,
  DeliveryBody,
  Feedback,
  FulfilmentFailureBody,
  Order,
  OrderCreate,
  OrderCreated,
  OrderExportQuery,
  OrderIdParams,
  OrderListQuery,
  OrderPage,
  PendingApprovalPage,
  RejectBody,
  ShipmentBody,
  TimelinePage,
} from './schemas';

const tag = 'Orders';
const readers = ['admin', 'sales', 'approver', 'fulfilment', 'analyst', 'integration', 'finance'] as const;
const orderResponse = { description: 'The order', schema: Order };
const PROBLEM_409 = { 409: { description: 'The order is not in a state that allows this' } };
/** Partner scoping (orders/partner-scope.ts), said once for every order route. */
const PARTNERS =
  'A caller whose token names a fulfilment partner (`custom:partner_id`) sees and acts on the orders that partner serves only (`partnerId`; an order not assigned yet belongs to the tenant’s default partner): any other is a 404, exactly as a missing order. A fulfilment user whose token names no partner gets 403.';

export const createOrder = defineOperation({
  operationId: 'createOrder',
  method: 'POST',
  path: '/v1/orders',
  summary: 'Create an order: priced from the catalogue, then driven through approval, execution and closing',
  tag,
  auth: { roles: ['admin', 'sales', 'integration'] },
  body: OrderCreate,
  idempotent: true,
  responses: {
    201: {
      description:
        'Accepted: the workflow has started. `warnings` names lines the stock available now cannot fill. A retry with the same Idempotency-Key answers 201 with the order as it is now and `Idempotent-Replayed: true`.',
      schema: OrderCreated,
    },
    ...pick(400, 401, 403, 413, 415, 422),
    409: { description: 'The externalRef belongs to another order (named in `existingId`)' },
  },
});

export const getOrder = defineOperation({
  operationId: 'getOrder',
  method: 'GET',
  path: '/v1/orders/{orderId}',
  summary: 'Get an order: lines, totals, status, approvals, reservations, shipments, evaluation, feedback',
  description: PARTNERS,
  tag,
  auth: { roles: readers },
  params: OrderIdParams,
  responses: { 200: orderResponse, ...pick(400, 401, 403, 404) },
});

export const listOrders = defineOperation({
  operationId: 'listOrders',
  method: 'GET',
  path: '/v1/orders',
  summary:
    'List orders, newest first, by status, customer and created-date range; or find one by number or externalRef',
  description: `${PARTNERS} A partner's list holds the orders assigned to it (from the moment fulfilment is requested), with \`status\`, \`customerId\` and the date range as filters; \`number\` and \`externalRef\` find only its own orders.`,
  tag,
  auth: { roles: readers },
  query: OrderListQuery,
  responses: { 200: { description: 'One page', schema: OrderPage }, ...pick(400, 401, 403) },
});

export const getOrderTimeline = defineOperation({
  operationId: 'getOrderTimeline',
  method: 'GET',
  path: '/v1/orders/{orderId}/timeline',
  summary: 'Every change of an order, in order, with time, actor and details',
  tag,
  auth: { roles: readers },
  params: OrderIdParams,
  query: ListQuery,
  responses: {
    200: { description: 'One page of events', schema: TimelinePage },
    ...pick(400, 401, 403, 404),
  },
});

export const listApprovals = defineOperation({
  operationId: 'listApprovals',
  method: 'GET',
  path: '/v1/approvals',
  summary: 'Your approval inbox: levels waiting on one of your roles, oldest first',
  tag: 'Approvals',
  auth: { roles: APPROVING_ROLES },
  query: ApprovalsQuery,
  responses: { 200: { description: 'One page', schema: PendingApprovalPage }, ...pick(400, 401, 403) },
});

export const approveOrder = defineOperation({
  operationId: 'approveOrder',
  method: 'POST',
  path: '/v1/orders/{orderId}/approve',
  summary: 'Approve the level of an order that waits on you',
  description:
    'Separation of duties: the creator of an order cannot approve it, and nobody approves two levels of one order. ' +
    'The last level adds the order to the customer’s open balance: when that would pass the credit limit the answer is 409 `credit-limit-exceeded` (limit, open balance and order total) and the level stays pending, unless the body carries `creditOverride`, which only the approval rules’ `creditOverrideRoles` may send (403 otherwise; default: admin). The override is kept on the level and on the timeline; on an order that fits it is kept as not needed.',
  tag: 'Approvals',
  auth: { roles: APPROVING_ROLES },
  params: OrderIdParams,
  body: ApproveBody,
  responses: {
    200: orderResponse,
    ...pick(400, 401, 403, 404),
    409: {
      description:
        'The order is not in a state that allows this (order-state-conflict), or approving would pass the customer’s credit limit (credit-limit-exceeded)',
    },
  },
});

export const rejectOrder = defineOperation({
  operationId: 'rejectOrder',
  method: 'POST',
  path: '/v1/orders/{orderId}/reject',
  summary: 'Reject the order at the level that waits on you; rejection ends it',
  tag: 'Approvals',
  auth: { roles: APPROVING_ROLES },
  params: OrderIdParams,
  body: RejectBody,
  responses: { 200: orderResponse, ...pick(400, 401, 403, 404), ...PROBLEM_409 },
});

export const recordShipment = defineOperation({
  operationId: 'recordShipment',
  method: 'POST',
  path: '/v1/orders/{orderId}/shipments',
  summary: 'The fulfilment partner reports the order shipped',
  tag: 'Fulfilment',
  auth: { roles: ['fulfilment', 'integration'] },
  params: OrderIdParams,
  body: ShipmentBody,
  idempotent: true,
  responses: { 201: orderResponse, ...pick(400, 401, 403, 404, 422), ...PROBLEM_409 },
});

export const recordDelivery = defineOperation({
  operationId: 'recordDelivery',
  method: 'POST',
  path: '/v1/orders/{orderId}/delivery',
  summary: 'The fulfilment partner reports the order delivered',
  tag: 'Fulfilment',
  auth: { roles: ['fulfilment', 'integration'] },
  params: OrderIdParams,
  body: DeliveryBody,
  responses: { 200: orderResponse, ...pick(400, 401, 403, 404), ...PROBLEM_409 },
});

export const reportFulfilmentFailure = defineOperation({
  operationId: 'reportFulfilmentFailure',
  method: 'POST',
  path: '/v1/orders/{orderId}/fulfilment-failure',
  summary: 'The fulfilment partner cannot fulfil the order: stock is released and the order cancelled',
  tag: 'Fulfilment',
  auth: { roles: ['fulfilment', 'integration'] },
  params: OrderIdParams,
  body: FulfilmentFailureBody,
  responses: {
    202: { description: 'Accepted: compensation runs', schema: Order },
    ...pick(400, 401, 403, 404),
    ...PROBLEM_409,
  },
});

export const cancelOrder = defineOperation({
  operationId: 'cancelOrder',
  method: 'POST',
  path: '/v1/orders/{orderId}/cancel',
  summary: 'Cancel an order that has not shipped yet',
  tag,
  auth: { roles: ['admin', 'sales'] },
  params: OrderIdParams,
  body: CancelBody,
  responses: {
    202: { description: 'Accepted: compensation runs', schema: Order },
    ...pick(400, 401, 403, 404),
    ...PROBLEM_409,
  },
});

export const submitFeedback = defineOperation({
  operationId: 'submitFeedback',
  method: 'POST',
  path: '/v1/orders/{orderId}/feedback',
  summary: 'The customer’s rating and comment, after delivery',
  tag,
  auth: { roles: ['admin', 'sales', 'integration'] },
  params: OrderIdParams,
  body: Feedback,
  responses: { 200: orderResponse, ...pick(400, 401, 403, 404), ...PROBLEM_409 },
});

export const importOrderHistory = defineOperation({
  operationId: 'importOrderHistory',
  method: 'POST',
  path: '/v1/orders/history',
  summary: 'Import up to 100 past orders with their own dates, prices, reference and final status',
  description:
    `Each item is a past order: \`externalRef\` (its own reference, shown as its \`number\`; unique per tenant), the customer (\`customerId\`, or \`customerRef\`: the customer’s externalRef), \`currency\`, \`status\` (CLOSED, CANCELLED or REJECTED), \`orderedAt\` and the optional \`approvedAt\`, \`shippedAt\`, \`deliveredAt\`, \`closedAt\`, \`cancelledAt\`, \`rejectedAt\` (each at or after the one before, none in the future), \`promisedDeliveryDate\`, up to ${MAX_HISTORY_LINES} \`lines\` of \`{sku, quantity, unitPriceMinor, discountMinor?}\` (catalogue SKUs; the prices are those charged then), \`needIds\`, \`feedback\` (CLOSED) and \`cancellationReason\`. ` +
    'An imported order has the normal order shape, with `imported: true` and `importedAt`: line totals and totals computed by the server, a timeline of the live lifecycle’s events at the given dates, and for CLOSED the evaluation the live close computes. It never runs the workflow, reserves no stock and publishes no domain event. ' +
    'Each order is created on its own: one that cannot be is `rejected` (an unknown SKU or customer or need is a 422 naming the field, e.g. `body.items.3.lines.7.sku`), the others are created; one whose externalRef an order has already is `existing`, with that order’s id, so re-sending history is a no-op. Send an Idempotency-Key: a retry after a timeout reports what committed as `existing`.',
  tag,
  auth: { roles: ['admin', 'integration'] },
  body: batchBody('A past order: see the operation’s description for its fields'),
  idempotent: 'per-item',
  // 100 orders of up to 1,000 lines; Lambda takes at most 6 MB, API Gateway's event encoding included.
  maxBodyBytes: 4 * 1024 * 1024,
  responses: {
    200: { description: 'One result per order, in request order', schema: BatchResult },
    ...pick(400, 401, 403, 413, 415, 422),
  },
});

export const exportOrders = defineOperation({
  operationId: 'exportOrders',
  method: 'GET',
  path: '/v1/orders/export',
  summary: 'Orders as CSV, one row per order line, in parts',
  description: `${PARTNERS} The filters of \`GET /v1/orders\`, newest first. Each response is one part of at most 5,000 rows (whole orders; an order is never split) and 4 MB; when more follow, \`Link: <…>; rel="next"\` gives the URL of the next part. Money is in minor units of the row’s currency; dates are ISO 8601 UTC.`,
  tag,
  auth: { roles: readers },
  query: OrderExportQuery,
  responses: {
    200: { description: 'CSV (RFC 4180, UTF-8) with a header row', contentType: 'text/csv' },
    ...pick(400, 401, 403),
  },
});
