import * as z from 'zod';
import { AnalysisScheduleSchema, DEFAULT_ANALYSIS_SCHEDULE } from '../analysis/schedule/setting';
import { PARTNER_ID_PATTERN } from '../shared/auth/claims';
import { Ulid } from '../shared/ids';
import { SettingVersion } from '../shared/schemas';
import { singleLineText } from '../shared/text';
import { canonicalTimeZone } from './time-zone';

/**
 * At most this many routes per map: the setting is one item, read on every assignment, and its
 * audit record keeps the map before and after, both within DynamoDB's 400 KB item limit.
 */
export const MAX_CATEGORY_ROUTES = 200;
export const MAX_CUSTOMER_ROUTES = 1000;

export const PartnerId = z
  .string()
  .regex(PARTNER_ID_PATTERN, 'must be a partner id: 1–40 lower-case letters, digits and dashes')
  .describe('A fulfilment partner, as its users’ tokens name it (custom:partner_id)');

/** A product category as the order lines carry it. */
const Category = singleLineText(1, 100);

const atMost = (max: number) => (map: Record<string, string>) => Object.keys(map).length <= max;

/**
 * A record parsed from JSON may own a `__proto__` key, which zod drops without a word (it cannot
 * be set on a plain object): refused instead, so that no route is lost in silence.
 */
const noProtoKey = <T extends z.ZodType>(map: T) =>
  z.preprocess((input, ctx) => {
    if (typeof input === 'object' && input !== null && Object.hasOwn(input, '__proto__'))
      ctx.addIssue({ code: 'custom', message: 'is not a usable key', path: ['__proto__'], input });
    return input;
  }, map);

export const PartnerRoutingInput = z.strictObject({
  defaultPartnerId: PartnerId.describe(
    'Serves every order neither map assigns, and every order not yet assigned (before fulfilment is requested)',
  ),
  byCategory: noProtoKey(
    z
      .record(Category, PartnerId)
      .refine(atMost(MAX_CATEGORY_ROUTES), `at most ${MAX_CATEGORY_ROUTES} categories`),
  )
    .default({})
    .describe(
      'Product category → partner; an order goes to the partner of its first line (in line order) whose category is here. Categories match exactly.',
    ),
  byCustomer: z
    .record(Ulid, PartnerId)
    .refine(atMost(MAX_CUSTOMER_ROUTES), `at most ${MAX_CUSTOMER_ROUTES} customers`)
    .default({})
    .describe('Customer id → partner; wins over byCategory'),
});
export type PartnerRoutingInput = z.infer<typeof PartnerRoutingInput>;

export const FulfilmentPartners = PartnerRoutingInput.extend(SettingVersion);
export type FulfilmentPartners = z.infer<typeof FulfilmentPartners>;

/** The tenant's own settings (`GET/PUT /v1/settings/tenant`). */
export const TimeZoneName = z
  .string()
  .max(64)
  .refine(
    (name) => canonicalTimeZone(name) !== undefined,
    'must be an IANA time zone name such as Europe/Berlin',
  )
  .describe('An IANA time zone name, e.g. `Europe/Berlin`, `America/New_York`, `UTC`');

export const TenantSettingsInput = z.strictObject({
  timeZone: TimeZoneName.describe(
    'The zone reports cut their periods (day, ISO week, month) in. A change applies to needs and orders changed from `timeZoneHistory`’s last `from` on; what is counted already stays in the periods it was counted in until it changes again.',
  ),
  // Issue 10 (helper D1): the scheduled analysis, read on this zone's wall clock.
  analysisSchedule: AnalysisScheduleSchema.default(DEFAULT_ANALYSIS_SCHEDULE).describe(
    'When the analysis runs by itself (docs/analysis.md), on the wall clock of `timeZone`; replaced with the rest, so absent means the default: enabled, `0 2 * * *` (every night at 02:00). A change moves the next run at once',
  ),
});
export type TenantSettingsInput = z.infer<typeof TenantSettingsInput>;

export const TenantSettings = TenantSettingsInput.extend({
  timeZone: z.string().describe('The zone saved last (in force from its `timeZoneHistory` entry’s `from`)'),
  analysisSchedule: z
    .strictObject({ enabled: z.boolean(), cron: z.string() })
    .describe('When the analysis runs by itself, on the wall clock of `timeZone`'),
  timeZoneHistory: z
    .array(z.strictObject({ timeZone: z.string(), from: z.iso.datetime() }))
    .describe(
      'Every zone the tenant had, oldest first, and from when records changed are counted in it (the first from the epoch)',
    ),
  ...SettingVersion,
});
export type TenantSettings = z.infer<typeof TenantSettings>;
