import { BatchResult, batchBody, MAX_BATCH_ITEMS } from '../shared/http/batch';
import { pick } from '../shared/http/common-responses';
import { defineOperation } from '../shared/http/operation';
import { ListQuery } from '../shared/schemas';
import {
  ChangesQuery,
  EXPORT_ROWS,
  HistoryPage,
  Need,
  NeedCreate,
  NeedExportQuery,
  NeedIdParams,
  NeedListQuery,
  NeedPage,
  NeedPatch,
  StatusChangePage,
} from './schemas';

const tag = 'Needs';
/** Fulfilment partners see the orders they serve, not the customers' needs. */
const readers = ['admin', 'sales', 'approver', 'analyst', 'integration', 'finance'] as const;
const writers = ['admin', 'sales', 'integration'] as const;

const FILTERS =
  'Filters: `type`, `channel`, `status`, `customerId`, `productId`, `tag`, and the period `from` (inclusive) / `to` (exclusive) on `receivedAt`. Each is one Query of an index partition kept for that value; filters given together Query the most selective one (customer, product, tag, type, status, channel) and filter the others within it.';

export const createNeed = defineOperation({
  operationId: 'createNeed',
  method: 'POST',
  path: '/v1/needs',
  summary: 'Record a customer need',
  description:
    'The customer and each product must be the tenant’s (422 naming the field). `externalRef` + `source` is unique per tenant: a second create with the pair is a 409 naming the need that has it.',
  tag,
  auth: { roles: writers },
  body: NeedCreate,
  idempotent: true,
  responses: {
    201: { description: 'Created (NEW unless `status` says otherwise)', schema: Need },
    ...pick(400, 401, 403, 409, 413, 415, 422),
  },
});

export const createNeedsBatch = defineOperation({
  operationId: 'createNeedsBatch',
  method: 'POST',
  path: '/v1/needs/batch',
  summary: `Record up to ${MAX_BATCH_ITEMS} needs: a result per item, one bad item does not reject the others`,
  description:
    'Each item is validated and created as `POST /v1/needs` would: a bad item is `rejected` with its problem (fields named `body.items.<i>.…`), the others are created. An item whose `externalRef` + `source` an existing need holds is `existing` with that need’s id, so re-sending an import creates nothing.',
  tag,
  auth: { roles: writers },
  body: batchBody('A need, as POST /v1/needs takes it'),
  idempotent: 'per-item',
  // A hundred needs with long descriptions.
  maxBodyBytes: 1024 * 1024,
  responses: {
    200: { description: 'One result per item, in request order', schema: BatchResult },
    ...pick(400, 401, 403, 413, 415, 422),
  },
});

export const getNeed = defineOperation({
  operationId: 'getNeed',
  method: 'GET',
  path: '/v1/needs/{needId}',
  summary: 'Get a need: status, linked orders, fulfilment',
  tag,
  auth: { roles: readers },
  params: NeedIdParams,
  responses: {
    200: { description: 'The need; ETag carries its version', schema: Need },
    ...pick(400, 401, 403, 404),
  },
});

export const updateNeed = defineOperation({
  operationId: 'updateNeed',
  method: 'PATCH',
  path: '/v1/needs/{needId}',
  summary: 'Change a need or move its status (JSON merge patch; If-Match required)',
  description:
    'Status moves NEW → QUALIFIED → IN_PROGRESS → FULFILLED | DECLINED; also NEW → IN_PROGRESS, NEW/QUALIFIED → DECLINED, and IN_PROGRESS → QUALIFIED (its order fell through). FULFILLED and DECLINED are final. Any other move is a 409 `invalid-need-transition` naming `from` and `to`. Each status change is kept in the history with who, when and `statusReason`.',
  tag,
  auth: { roles: writers },
  params: NeedIdParams,
  body: NeedPatch,
  requiresIfMatch: true,
  responses: {
    200: { description: 'The changed need', schema: Need },
    ...pick(400, 401, 403, 404, 412, 413, 415, 422, 428),
    409: { description: 'The status cannot move there from where it is (`from`, `to`, `allowed`)' },
  },
});

export const getNeedHistory = defineOperation({
  operationId: 'getNeedHistory',
  method: 'GET',
  path: '/v1/needs/{needId}/history',
  summary: 'A need’s status history, oldest first: who, when, from, to, why',
  tag,
  auth: { roles: readers },
  params: NeedIdParams,
  query: ListQuery,
  responses: {
    200: { description: 'One page of history records', schema: HistoryPage },
    ...pick(400, 401, 403, 404),
  },
});

export const listNeeds = defineOperation({
  operationId: 'listNeeds',
  method: 'GET',
  path: '/v1/needs',
  summary:
    'List needs, most recently received first, by type, channel, status, customer, product, tag and period',
  description: `${FILTERS} When filters combine, a page may hold fewer needs than \`limit\` while more follow: go on while there is a \`nextCursor\`.`,
  tag,
  auth: { roles: readers },
  query: NeedListQuery,
  responses: { 200: { description: 'One page', schema: NeedPage }, ...pick(400, 401, 403) },
});

export const listNeedChanges = defineOperation({
  operationId: 'listNeedChanges',
  method: 'GET',
  path: '/v1/needs/changes',
  summary: 'Status changes of the tenant’s needs recorded in a period, oldest first',
  description:
    'One Query per page. A change is stamped when it is decided, a moment before it commits: to follow changes period after period, ask for periods that end a minute in the past (`until`), each starting where the last ended (`since`).',
  tag,
  auth: { roles: readers },
  query: ChangesQuery,
  responses: { 200: { description: 'One page', schema: StatusChangePage }, ...pick(400, 401, 403) },
});

export const exportNeeds = defineOperation({
  operationId: 'exportNeeds',
  method: 'GET',
  path: '/v1/needs/export',
  summary: `The filtered needs as CSV, ${EXPORT_ROWS} rows per response`,
  description: `${FILTERS} Each response holds at most \`limit\` (default and most ${EXPORT_ROWS}) rows, newest first; a \`Link: <…>; rel="next"\` header gives the URL of the next part, absent on the last. Amounts are in minor units with their currency, plus the amount in major units as exact text.`,
  tag,
  auth: { roles: readers },
  query: NeedExportQuery,
  responses: {
    200: { description: 'CSV (RFC 4180, UTF-8, header row)', contentType: 'text/csv' },
    ...pick(400, 401, 403),
  },
});
