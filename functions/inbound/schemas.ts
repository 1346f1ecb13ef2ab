import * as z from 'zod';
import { CHANNELS, NeedCreate } from '../needs/schemas';
import { ShipmentBody } from '../orders/schemas';
import { PARTNER_ID_PATTERN } from '../shared/auth/claims';
import { Ulid } from '../shared/ids';
import { Timestamps } from '../shared/schemas';
import { freeText, singleLineText } from '../shared/text';

/**
 * Inbound sources: who may push signed webhooks into a tenant (a fulfilment partner reporting
 * progress, a form or survey tool pushing needs), and the messages they send. The secret is in
 * none of these but `InboundSourceCreated` (create and rotate answer it once).
 */
export const MAX_INBOUND_SOURCES_PER_TENANT = 20;
export const INBOUND_KINDS = ['fulfilment', 'needs'] as const;
export type InboundKind = (typeof INBOUND_KINDS)[number];

const Description = singleLineText(0, 500);

const PartnerId = z
  .string()
  .regex(PARTNER_ID_PATTERN, 'must be a partner id: 1–40 lower-case letters, digits and dashes')
  .describe('The fulfilment partner that reports through this source: it reports on its own orders only');

const Channel = z
  .enum(CHANNELS)
  .describe('The channel of the needs this source pushes, when a message does not name one');

export const InboundSourceCreate = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fulfilment'),
    partnerId: PartnerId,
    description: Description.optional(),
  }),
  z.strictObject({
    kind: z.literal('needs'),
    description: Description.optional(),
    channel: Channel.optional(),
  }),
]);
export type InboundSourceCreate = z.infer<typeof InboundSourceCreate>;

export const InboundSource = z.strictObject({
  id: Ulid,
  kind: z.enum(INBOUND_KINDS),
  partnerId: z.string().optional(),
  channel: z.enum(CHANNELS).optional(),
  description: z.string().optional(),
  url: z
    .string()
    .describe('Where the source POSTs its signed messages: `/v1/inbound/<kind>/<id>` on this API'),
  previousSecretExpiresAt: z.iso
    .datetime()
    .optional()
    .describe('After a rotation: until then messages signed with the previous secret are accepted too'),
  ...Timestamps,
});
export type InboundSource = z.infer<typeof InboundSource>;

export const InboundSourceCreated = InboundSource.extend({
  secret: z
    .string()
    .describe(
      'The signing secret (`whsec_…`), shown this once: give it to the sender; it cannot be read again',
    ),
});
export type InboundSourceCreated = z.infer<typeof InboundSourceCreated>;

export const InboundSourceList = z.strictObject({
  items: z.array(InboundSource).max(MAX_INBOUND_SOURCES_PER_TENANT),
});

export const SourceIdParams = z.strictObject({ sourceId: Ulid });

// ---- messages --------------------------------------------------------------------------------

/** When the sender says the event happened; informative (freshness is the signed header's). */
const MessageTime = z.iso.datetime({ offset: true }).describe('When the event happened (ISO 8601)');

const message = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.strictObject({ type: z.literal(type), timestamp: MessageTime, data });

export const FulfilmentMessage = z.discriminatedUnion('type', [
  message('fulfilment.shipped', ShipmentBody.extend({ orderId: Ulid })),
  message(
    'fulfilment.delivered',
    z.strictObject({
      orderId: Ulid,
      deliveredAt: z.iso.datetime().optional().describe('When the partner delivered; now when absent'),
    }),
  ),
  message('fulfilment.failed', z.strictObject({ orderId: Ulid, reason: freeText(1, 500) })),
]);
export type FulfilmentMessage = z.infer<typeof FulfilmentMessage>;

/** A need as `POST /v1/needs` takes it; `channel` may be left to the source's. */
export const NeedMessage = message('need.submitted', NeedCreate.partial({ channel: true }));
export type NeedMessage = z.output<typeof NeedMessage>;

export const FulfilmentAnswer = z.strictObject({
  orderId: Ulid,
  status: z.string().describe('The order’s status after the report (a replay: as it is now)'),
});
