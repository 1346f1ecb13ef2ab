import * as z from 'zod';
import { Ulid } from '../shared/ids';
import { CurrencyCode } from '../shared/money';
import { freeText, singleLineText } from '../shared/text';
import { ExternalRef, Feedback, Sku } from './schemas';

/**
 * A past order as `POST /v1/orders/history` takes it: what a sales export or an old system holds —
 * its own reference, dates, charged prices and final status. Only final orders come in: history
 * that is still open belongs in the live workflow.
 */
export const MAX_HISTORY_LINES = 1000;
export const HISTORY_STATUSES = ['CLOSED', 'CANCELLED', 'REJECTED'] as const;
export type HistoryStatus = (typeof HISTORY_STATUSES)[number];

const Instant = z.iso
  .datetime({ offset: true })
  .describe('ISO 8601 with a time zone (`2010-12-01T08:26:00Z`, `2010-12-01T09:26:00+01:00`); kept in UTC');

const MAX_MINOR = Number.MAX_SAFE_INTEGER;

export const HistoryLine = z.strictObject({
  sku: Sku.describe('A product of the tenant’s catalogue (name and category come from it)'),
  quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000),
  unitPriceMinor: z
    .number()
    .int('must be an integer count of minor units')
    .min(0)
    .max(MAX_MINOR)
    .describe('The price charged for one unit, in minor units of the order’s currency'),
  discountMinor: z
    .number()
    .int('must be an integer count of minor units')
    .min(0)
    .max(MAX_MINOR)
    .optional()
    .describe('The discount given on the whole line, in minor units; at most quantity × unitPriceMinor'),
});
export type HistoryLine = z.infer<typeof HistoryLine>;

/** The dates of an order's life, in the order they happen; each that is given is at or after the ones before. */
export const LIFE_DATES = ['orderedAt', 'approvedAt', 'shippedAt', 'deliveredAt', 'closedAt'] as const;

/** Dates and fields that only some final statuses can have. */
const ONLY_WITH: Record<string, readonly HistoryStatus[]> = {
  shippedAt: ['CLOSED'],
  deliveredAt: ['CLOSED'],
  closedAt: ['CLOSED'],
  feedback: ['CLOSED'],
  approvedAt: ['CLOSED', 'CANCELLED'],
  cancelledAt: ['CANCELLED'],
  rejectedAt: ['REJECTED'],
  cancellationReason: ['CANCELLED', 'REJECTED'],
};

export const HistoryOrder = z
  .strictObject({
    externalRef: ExternalRef.describe(
      'The order’s own reference (its number in the old system): unique per tenant, shown as its `number`. Sending it again is `existing`',
    ),
    customerId: Ulid.optional().describe('The customer, by id (or give customerRef)'),
    customerRef: singleLineText(1, 100)
      .optional()
      .describe('The customer, by its externalRef (or give customerId)'),
    currency: CurrencyCode,
    status: z.enum(HISTORY_STATUSES).describe('How the order ended'),
    orderedAt: Instant.describe('When it was ordered: the order’s date in every list, filter and report'),
    approvedAt: Instant.optional(),
    shippedAt: Instant.optional(),
    deliveredAt: Instant.optional(),
    closedAt: Instant.optional().describe('CLOSED only; default: the latest of the dates before it'),
    cancelledAt: Instant.optional().describe(
      'CANCELLED only; default: the latest of orderedAt and approvedAt',
    ),
    rejectedAt: Instant.optional().describe('REJECTED only; default: orderedAt'),
    promisedDeliveryDate: z.iso.date().optional().describe('YYYY-MM-DD, the date promised to the customer'),
    lines: z
      .array(HistoryLine)
      .min(1, 'an order needs at least one line')
      .max(MAX_HISTORY_LINES)
      .describe('The lines as charged; a SKU may appear on several lines'),
    needIds: z.array(Ulid).max(20).optional().describe('Customer needs this order answered'),
    feedback: Feedback.optional().describe('The customer’s rating (CLOSED only)'),
    cancellationReason: freeText(1, 500).optional().describe('Why it was cancelled or rejected'),
  })
  .superRefine((order, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if ((order.customerId === undefined) === (order.customerRef === undefined))
      issue(
        [order.customerId === undefined ? 'customerId' : 'customerRef'],
        'give one of customerId and customerRef',
      );
    for (const [field, statuses] of Object.entries(ONLY_WITH)) {
      if (order[field as keyof typeof order] !== undefined && !statuses.includes(order.status))
        issue([field], `not with status ${order.status} (only ${statuses.join(', ')})`);
    }
    const now = Date.now();
    let previous: { field: string; ms: number } | undefined;
    for (const field of [...LIFE_DATES, 'cancelledAt', 'rejectedAt'] as const) {
      const value = order[field];
      if (value === undefined) continue;
      const ms = Date.parse(value);
      if (ms > now) issue([field], 'must not be in the future');
      // cancelledAt and rejectedAt follow orderedAt (and approvedAt), never a shipment.
      if (previous && ms < previous.ms) issue([field], `must not be before ${previous.field}`);
      if ((LIFE_DATES as readonly string[]).includes(field)) previous = { field, ms };
    }
    order.lines.forEach((line, i) => {
      if (
        line.discountMinor !== undefined &&
        BigInt(line.discountMinor) > BigInt(line.unitPriceMinor) * BigInt(line.quantity)
      )
        issue(['lines', i, 'discountMinor'], 'must not be more than quantity × unitPriceMinor');
    });
  });
export type HistoryOrder = z.infer<typeof HistoryOrder>;
