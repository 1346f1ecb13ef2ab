import { pick } from '../shared/http/common-responses';
import { defineOperation } from '../shared/http/operation';
import {
  FulfilmentQuery,
  FulfilmentReport,
  NeedsSummary,
  NeedsSummaryQuery,
  PipelineQuery,
  PipelineReport,
  RevenueQuery,
  RevenueReport,
} from './schemas';

/**
 * The sales reports (README "Sales reports"): each answered from the live aggregates only, so its
 * cost is one Query per shard and page — set by the groups and periods asked for, never by the
 * number of needs or orders behind them.
 */
const roles = ['admin', 'sales', 'analyst', 'finance'] as const;
const RANGE =
  'Periods are cut in the tenant’s time zone (`GET /v1/settings/tenant`). `from` (inclusive) and `to` (exclusive) are days; every period holding one of them is reported whole. `format=csv` gives the same rows as CSV (money in a column per currency, minor units), with the next page in a `Link` header. Rows come by period, then group; a page reads at most `limit` aggregate items per shard, so it may hold fewer rows than that, and `nextCursor` says there is more.';
const csvOrJson = (what: string) => ({
  description: `${what}; with format=csv, the same rows as text/csv`,
});

export const getNeedsSummary = defineOperation({
  operationId: 'getNeedsSummary',
  method: 'GET',
  path: '/v1/analysis/needs/summary',
  summary: 'Needs counted and their estimated value, by period of receipt and by type, channel or status',
  description: `Every need counts in the period of its \`receivedAt\`, in its current type (\`untyped\` when none), channel and status. ${RANGE}`,
  tag: 'Analysis',
  auth: { roles },
  query: NeedsSummaryQuery,
  responses: { 200: { ...csvOrJson('The summary'), schema: NeedsSummary }, ...pick(400, 401, 403) },
});

export const getRevenueReport = defineOperation({
  operationId: 'getRevenueReport',
  method: 'GET',
  path: '/v1/reports/revenue',
  summary: 'Revenue, orders and units by period, and by product, category, customer or country',
  description: `An order counts from its approval on (APPROVED … CLOSED; never once REJECTED or CANCELLED), in the period of its order date (\`createdAt\`; an imported order’s own), with its lines’ totals after discount per currency. By product (line SKU) or category, an order counts once per group it has a line in. Country is the customer’s at order time (\`unknown\` when it had none). ${RANGE}`,
  tag: 'Reports',
  auth: { roles },
  query: RevenueQuery,
  responses: { 200: { ...csvOrJson('The report'), schema: RevenueReport }, ...pick(400, 401, 403) },
});

export const getPipelineReport = defineOperation({
  operationId: 'getPipelineReport',
  method: 'GET',
  path: '/v1/reports/pipeline',
  summary: 'The open pipeline: orders not yet final, and their value, by status',
  description: `Orders SUBMITTED … DELIVERED with their totals per currency: all open now (\`period=all\`, the default), or by the period they were placed in. ${RANGE}`,
  tag: 'Reports',
  auth: { roles },
  query: PipelineQuery,
  responses: { 200: { ...csvOrJson('The report'), schema: PipelineReport }, ...pick(400, 401, 403) },
});

export const getFulfilmentReport = defineOperation({
  operationId: 'getFulfilmentReport',
  method: 'GET',
  path: '/v1/reports/fulfilment',
  summary: 'Closed orders: approval time, lead time, on-time rate and ratings, by period of closing',
  description: `CLOSED orders in the period of their evaluation’s \`closedAt\`: approval time (submission to approval), lead time (submission to delivery), on-time deliveries of those with a promised date, and the customers’ ratings (given after closing too). ${RANGE}`,
  tag: 'Reports',
  auth: { roles },
  query: FulfilmentQuery,
  responses: { 200: { ...csvOrJson('The report'), schema: FulfilmentReport }, ...pick(400, 401, 403) },
});
