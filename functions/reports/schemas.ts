import * as z from 'zod';
import { Money } from '../shared/money';

/**
 * The reports' queries and answers. Every report reads the aggregates only (functions/aggregates):
 * rows of (period, group) with their measures, money per currency in minor units.
 */
export const MAX_LIMIT = 2000;

const Period = z
  .enum(['day', 'week', 'month'])
  .default('month')
  .describe(
    '`day` (YYYY-MM-DD), `week` (ISO 8601, YYYY-Www, from Monday) or `month` (YYYY-MM), in the tenant’s time zone',
  );
const DateParam = z.iso.date();
const common = {
  from: DateParam.optional().describe(
    'First day, inclusive (YYYY-MM-DD). Every period that holds a day from `from` to `to` is reported whole. Default: `to` less 31 days (day), 12 weeks (week) or 365 days (month)',
  ),
  to: DateParam.optional().describe(
    'Last day, exclusive (YYYY-MM-DD). Default: tomorrow in the tenant’s time zone (today included). At most 400 days after `from` by day, 3 years by week, 5 years by month',
  ),
  format: z.enum(['json', 'csv']).default('json').describe('`csv`: the same rows as an RFC 4180 download'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .default(500)
    .describe('Aggregate items read per shard and page; a page may hold fewer rows'),
  cursor: z.string().max(2048).optional().describe('`nextCursor` of the previous page, with the same query'),
};

export const NeedsSummaryQuery = z.strictObject({
  groupBy: z.enum(['none', 'type', 'channel', 'status']).default('none'),
  period: Period,
  ...common,
});
export const RevenueQuery = z.strictObject({
  groupBy: z.enum(['none', 'product', 'category', 'customer', 'country']).default('none'),
  period: Period,
  ...common,
});
export const PipelineQuery = z.strictObject({
  groupBy: z.enum(['none', 'status']).default('none'),
  period: z
    .enum(['all', 'day', 'week', 'month'])
    .default('all')
    .describe(
      '`all` (default): every order open now, whenever it was placed (`from`/`to` do not apply); `day`, `week`, `month`: the open orders by the period they were placed in',
    ),
  ...common,
});
export const FulfilmentQuery = z.strictObject({
  groupBy: z.enum(['none', 'customer', 'country']).default('none'),
  period: Period,
  ...common,
});
export type ReportQuery = z.infer<typeof RevenueQuery> | z.infer<typeof PipelineQuery>;

const MoneyList = z
  .array(Money)
  .describe('Per currency, in minor units; currencies with nothing are left out');
const group = z
  .string()
  .optional()
  .describe(
    'The group’s value (a SKU, category, customer id, country code, type, channel, status); absent for groupBy=none',
  );

export const NeedsRow = z.strictObject({
  period: z.string(),
  group,
  needs: z.number().int(),
  estimatedValue: MoneyList,
});
export const RevenueRow = z.strictObject({
  period: z.string(),
  group,
  orders: z.number().int().describe('Orders counted (for a product or category: orders with a line of it)'),
  units: z.number().int(),
  revenue: MoneyList.describe('Line totals after discount'),
});
export const PipelineRow = z.strictObject({
  period: z.string().describe('The period the orders were placed in, or `all`'),
  group,
  orders: z.number().int(),
  value: MoneyList.describe('Order totals'),
});
const Duration = z.strictObject({
  orders: z.number().int(),
  totalSeconds: z.number(),
  averageSeconds: z.number().nullable(),
});
export const FulfilmentRow = z.strictObject({
  period: z.string().describe('The period the orders closed in'),
  group,
  closed: z.number().int(),
  approval: Duration.describe('From submission to approval (the stages SUBMITTED and PENDING_APPROVAL)'),
  leadTime: Duration.describe('From submission to delivery (the evaluation’s cycle)'),
  onTime: z.strictObject({
    promised: z.number().int().describe('Closed orders that had a promised delivery date'),
    onTime: z.number().int(),
    rate: z.number().nullable(),
  }),
  ratings: z.strictObject({
    count: z.number().int(),
    average: z.number().nullable(),
    distribution: z.strictObject({
      1: z.number().int(),
      2: z.number().int(),
      3: z.number().int(),
      4: z.number().int(),
      5: z.number().int(),
    }),
  }),
});

function reportOf<T extends z.ZodType>(row: T) {
  return z.strictObject({
    groupBy: z.string(),
    period: z.string(),
    from: z.iso.date().optional().describe('The range asked for, defaults filled in (absent for period=all)'),
    to: z.iso.date().optional(),
    timeZone: z
      .string()
      .describe('The tenant’s time zone now; each record is counted in the zone in force at its last change'),
    rows: z.array(row).describe('By period, then group'),
    nextCursor: z.string().optional().describe('Pass as `cursor`, with the same query, for the next page'),
  });
}

export const NeedsSummary = reportOf(NeedsRow);
export const RevenueReport = reportOf(RevenueRow);
export const PipelineReport = reportOf(PipelineRow);
export const FulfilmentReport = reportOf(FulfilmentRow);
