import * as z from 'zod';
import { Evaluation } from '../orders/schemas';
import { Ulid } from '../shared/ids';
import { Money } from '../shared/money';
import { ListQuery, pageOf, Timestamps } from '../shared/schemas';
import { freeText, singleLineText } from '../shared/text';
import { NEED_STATUSES } from './lifecycle';

export const CHANNELS = ['feedback', 'survey', 'sales_report', 'web_form', 'email', 'call', 'other'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

/** Products and tags of one need: each is an index entry written with the need (index-entries.ts). */
export const MAX_PRODUCTS = 10;
export const MAX_TAGS = 10;

/**
 * How far ahead of this server's clock a `receivedAt` may be: a client's clock runs a little fast,
 * and refusing its "now" would be a worse answer than keeping it.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

export const NeedStatusSchema = z.enum(NEED_STATUSES);

const NeedType = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,39}$/,
    'must be a slug: a lower-case letter, then lower-case letters, digits or _ (at most 40), e.g. spare_parts',
  )
  .describe('What kind of need (a slug such as `spare_parts`); analysis may suggest one when absent');

const Source = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$/,
    'must be a source name: letters, digits and _ . : / - (at most 64), e.g. crm or survey-2024',
  )
  .describe(
    'Where the need was recorded first (a system, a survey, a file); with `externalRef`, unique per tenant',
  );

const ExternalRef = singleLineText(1, 100).describe(
  'The need’s id in its source; `externalRef` + `source` is unique per tenant (a second create with the pair is refused with 409, a batch reports it `existing`)',
);

/** A set: a value given twice is kept once (each value is one index entry, and an item is written once per transaction). */
const setOf = <T extends z.ZodType<string>>(item: T, max: number) =>
  z
    .array(item)
    .max(max)
    .transform((values) => [...new Set(values)]);

/** Stored times are `toISOString()`: index sort keys compare them as text. */
const Instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value).toISOString());

const ReceivedAt = Instant.refine(
  (value) => Date.parse(value) <= Date.now() + CLOCK_SKEW_MS,
  'must not be in the future',
).describe(
  'When the customer expressed the need (ISO 8601; given on import, now when absent). Periods and the `from`/`to` filters use it',
);

const fields = {
  customerId: Ulid.describe('The customer who has the need; must be a customer of the tenant'),
  type: NeedType,
  channel: z.enum(CHANNELS).describe('How the need reached the company'),
  title: singleLineText(1, 200),
  description: freeText(1, 4000),
  priority: z.enum(PRIORITIES),
  estimatedValue: Money.describe('What answering the need is expected to be worth, in minor units'),
  quantity: z.number().int('must be a whole number').min(1).max(1_000_000_000),
  productIds: setOf(Ulid, MAX_PRODUCTS).describe(
    `Products concerned (at most ${MAX_PRODUCTS}); each must be a product of the tenant`,
  ),
  tags: setOf(singleLineText(1, 40), MAX_TAGS).describe(
    `Free labels (at most ${MAX_TAGS}), matched exactly by the \`tag\` filter`,
  ),
  autoFulfil: z
    .boolean()
    .describe(
      'true (default): the need becomes FULFILLED when an order linked to it closes. false: linked orders still move it to IN_PROGRESS, but a person decides when it is fulfilled',
    ),
};

export const NeedCreate = z.strictObject({
  customerId: fields.customerId,
  type: fields.type.optional(),
  channel: fields.channel,
  title: fields.title,
  description: fields.description.optional(),
  priority: fields.priority.default('normal'),
  estimatedValue: fields.estimatedValue.optional(),
  quantity: fields.quantity.optional(),
  productIds: fields.productIds.optional(),
  tags: fields.tags.optional(),
  externalRef: ExternalRef.optional(),
  source: Source.optional(),
  receivedAt: ReceivedAt.optional(),
  status: NeedStatusSchema.default('NEW').describe(
    'Where the need stands (default NEW); an import of needs already worked gives theirs',
  ),
  autoFulfil: fields.autoFulfil.default(true),
});
export type NeedCreate = z.output<typeof NeedCreate>;

/**
 * JSON merge patch: a field present replaces, `null` removes an optional field, absent keeps.
 * The customer, `externalRef` and `source` are fixed at creation (they say whose need it is and
 * where it came from). `status` moves along the lifecycle only (409 otherwise), with an optional
 * `statusReason` kept in the need's history.
 */
export const NeedPatch = z
  .strictObject({
    type: fields.type.nullable().optional(),
    channel: fields.channel.optional(),
    title: fields.title.optional(),
    description: fields.description.nullable().optional(),
    priority: fields.priority.optional(),
    estimatedValue: fields.estimatedValue.nullable().optional(),
    quantity: fields.quantity.nullable().optional(),
    productIds: fields.productIds.nullable().optional(),
    tags: fields.tags.nullable().optional(),
    receivedAt: ReceivedAt.optional(),
    status: NeedStatusSchema.optional(),
    statusReason: freeText(1, 500).optional().describe('Why the status changes; kept in the history'),
    autoFulfil: fields.autoFulfil.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'must change at least one field')
  .refine((patch) => patch.statusReason === undefined || patch.status !== undefined, {
    message: 'goes with a status change',
    path: ['statusReason'],
  });
export type NeedPatch = z.output<typeof NeedPatch>;

export const Actor = z.strictObject({
  type: z.enum(['user', 'system']),
  id: z.string().describe('The user, or for `system` the process (`linkNeedsToOrders`)'),
});
export type Actor = z.infer<typeof Actor>;

export const Fulfilment = z
  .strictObject({
    orderId: Ulid,
    orderNumber: z.string(),
    evaluation: Evaluation.describe('The closed order’s evaluation, as on the order'),
    feedback: z
      .strictObject({
        rating: z.number().int(),
        comment: z.string().optional(),
        at: z.iso.datetime().optional(),
      })
      .optional()
      .describe('The customer’s rating of that order, once given'),
    fulfilledAt: z.iso.datetime(),
  })
  .describe('The order whose closing fulfilled the need');
export type Fulfilment = z.infer<typeof Fulfilment>;

export const SuggestedType = z
  .strictObject({
    type: z.string().describe('The need type the model finds most probable'),
    confidence: z.number().min(0).max(1).describe('The model’s probability of that type'),
    runId: Ulid.describe('The analysis run that trained the model'),
  })
  .meta({
    readOnly: true,
    description:
      'For a need created without a `type`: the type the tenant’s latest classifier suggests for its title and description (`GET /v1/analysis/classifier/latest` says how good it is). Absent while no run has trained one; kept as it was when the need was created',
  });

export const Need = z.strictObject({
  id: Ulid,
  customerId: Ulid,
  type: fields.type.optional(),
  channel: fields.channel,
  title: z.string(),
  description: z.string().optional(),
  priority: fields.priority,
  estimatedValue: Money.optional(),
  quantity: z.number().int().optional(),
  productIds: z.array(Ulid).optional(),
  tags: z.array(z.string()).optional(),
  externalRef: z.string().optional(),
  source: z.string().optional(),
  status: NeedStatusSchema,
  statusChangedAt: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
  autoFulfil: z.boolean(),
  orderIds: z.array(Ulid).optional().describe('Orders that answer this need (each names it in its needIds)'),
  fulfilment: Fulfilment.optional(),
  // Issue 10 (helper D1): set at creation, never by a client (NeedCreate and NeedPatch refuse it).
  suggestedType: SuggestedType.optional(),
  createdBy: z.string(),
  ...Timestamps,
});
export type Need = z.infer<typeof Need>;

export const NeedPage = pageOf(Need);

export const NeedIdParams = z.strictObject({ needId: Ulid });

/** A period on `receivedAt`: a date (midnight UTC) or an instant. */
const Bound = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00Z` : value).toISOString());

export const NeedFilters = {
  type: NeedType.optional(),
  channel: fields.channel.optional(),
  status: NeedStatusSchema.optional(),
  customerId: Ulid.optional(),
  productId: Ulid.optional(),
  tag: singleLineText(1, 40).optional(),
  from: Bound.optional().describe('receivedAt from (inclusive): YYYY-MM-DD (UTC) or an ISO 8601 instant'),
  to: Bound.optional().describe('receivedAt to (exclusive): YYYY-MM-DD (UTC) or an ISO 8601 instant'),
};

export const NeedListQuery = ListQuery.extend(NeedFilters);
export type NeedListQuery = z.output<typeof NeedListQuery>;

/** Rows per export response: a bounded read per invocation, the rest behind `Link: rel="next"`. */
export const EXPORT_ROWS = 1000;

export const NeedExportQuery = z.strictObject({
  ...NeedFilters,
  limit: z.coerce.number().int().min(1).max(EXPORT_ROWS).default(EXPORT_ROWS),
  cursor: z.string().max(2048).optional(),
});

export const HistoryRecord = z.strictObject({
  at: z.iso.datetime().describe('When the change was recorded'),
  actor: Actor,
  from: NeedStatusSchema.optional().describe('Absent on the record of the need’s creation'),
  to: NeedStatusSchema,
  reason: z.string().optional(),
  orderId: Ulid.optional().describe('The order that moved the need (system changes)'),
  version: z.number().int().describe('The need’s version this change produced'),
});
export type HistoryRecord = z.infer<typeof HistoryRecord>;
export const HistoryPage = pageOf(HistoryRecord);

export const StatusChange = HistoryRecord.omit({ version: true })
  .extend({ needId: Ulid, customerId: Ulid, from: NeedStatusSchema })
  .strict();
export const StatusChangePage = pageOf(StatusChange);

export const ChangesQuery = ListQuery.extend({
  since: Instant.optional().describe(
    'From this instant (inclusive), ISO 8601; from the first change when absent',
  ),
  until: Instant.optional().describe('To this instant (exclusive); open when absent'),
});
