import * as z from 'zod';
import { PARTNER_ID_PATTERN } from '../../shared/auth/claims';
import { Ulid } from '../../shared/ids';
import { Timestamps } from '../../shared/schemas';
import { singleLineText } from '../../shared/text';
import { isValidEventFilter } from '../event-types';

/**
 * The webhook endpoint as the API takes and gives it. The signing secret is in none of these but
 * `WebhookEndpointCreated` (create and rotate answer it once); the sealed copies stay in the store.
 */
export const MAX_ENDPOINTS_PER_TENANT = 20;
export const MAX_EVENT_FILTERS = 50;

/** Syntax only (400); where it may point is the URL policy's (url-policy.ts, 422). */
const WebhookUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL')
  .describe(
    'Where deliveries are POSTed. In AWS: https only, to a host that resolves to public addresses (checked here and again at each delivery); never with credentials or a fragment.',
  );

const EventFilter = z
  .string()
  .max(100)
  .refine(
    isValidEventFilter,
    'must be an event type (`order.shipped`), a prefix wildcard (`order.*`) or `*`',
  );

const EventTypes = z
  .array(EventFilter)
  .min(1)
  .max(MAX_EVENT_FILTERS)
  .describe('The event types delivered: exact (`order.shipped`), prefix wildcards (`order.*`) or `*`');

const PartnerId = z
  .string()
  .regex(PARTNER_ID_PATTERN, 'must be a partner id: 1–40 lower-case letters, digits and dashes')
  .describe('A fulfilment partner’s endpoint: it receives only events of orders assigned to that partner');

const Description = singleLineText(0, 500);

export const WebhookEndpointCreate = z.strictObject({
  url: WebhookUrl,
  description: Description.optional(),
  eventTypes: EventTypes,
  enabled: z.boolean().default(true),
  partnerId: PartnerId.optional(),
});
export type WebhookEndpointCreate = z.infer<typeof WebhookEndpointCreate>;

/** JSON merge patch: a field present replaces, `null` removes (the optional ones), absent keeps. */
export const WebhookEndpointPatch = z
  .strictObject({
    url: WebhookUrl.optional(),
    description: Description.nullable().optional(),
    eventTypes: EventTypes.optional(),
    enabled: z.boolean().optional().describe('`true` also clears why it was disabled'),
    partnerId: PartnerId.nullable().optional(),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), 'must change at least one field');
export type WebhookEndpointPatch = z.infer<typeof WebhookEndpointPatch>;

export const DISABLED_REASONS = ['gone', 'failing'] as const;

export const WebhookEndpoint = z.strictObject({
  id: Ulid,
  url: z.string(),
  description: z.string().optional(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  partnerId: z.string().optional(),
  disabledReason: z
    .enum(DISABLED_REASONS)
    .optional()
    .describe('Why deliveries stopped: the receiver answered 410 Gone, or it failed for days in a row'),
  disabledAt: z.iso.datetime().optional(),
  failingSince: z.iso.datetime().optional().describe('First failure of the current failing streak'),
  previousSecretExpiresAt: z.iso
    .datetime()
    .optional()
    .describe('After a rotation: until then deliveries are signed with the previous secret too'),
  ...Timestamps,
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const WebhookEndpointCreated = WebhookEndpoint.extend({
  secret: z
    .string()
    .describe('The signing secret (`whsec_…`), shown this once: store it; it cannot be read again'),
});
export type WebhookEndpointCreated = z.infer<typeof WebhookEndpointCreated>;

export const WebhookEndpointList = z.strictObject({
  items: z.array(WebhookEndpoint).max(MAX_ENDPOINTS_PER_TENANT),
});

export const EndpointIdParams = z.strictObject({ endpointId: Ulid });
