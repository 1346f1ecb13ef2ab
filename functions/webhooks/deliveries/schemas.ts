import * as z from 'zod';
import { Ulid } from '../../shared/ids';
import { pageOf } from '../../shared/schemas';

/** Webhook deliveries as the API shows them (functions/webhooks/delivery/queue.ts is the stored shape). */
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;

export const DeliveryId = z
  .string()
  .max(160)
  .regex(/^[0-9A-HJKMNP-TV-Z]{26}\.[0-9A-Za-z._-]{1,120}$/, 'must be a webhook delivery id')
  .describe('`<endpointId>.<webhook-id>`: one delivery per endpoint and event');

export const DeliveryIdParams = z.strictObject({ deliveryId: DeliveryId });

export const DeliveryListQuery = z.strictObject({
  endpointId: Ulid.describe('The endpoint whose deliveries to list'),
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

const Attempt = z.strictObject({
  at: z.iso.datetime(),
  durationMs: z.number().int().min(0),
  statusCode: z.number().int().optional().describe('The receiver’s HTTP status, when it answered'),
  error: z
    .string()
    .optional()
    .describe('Why there was no usable answer: timeout, refused address, connection error'),
  responseBody: z
    .string()
    .optional()
    .describe('The start of the receiver’s answer (at most 1 KiB, `…` when cut)'),
});

export const WebhookDelivery = z.strictObject({
  id: DeliveryId,
  endpointId: Ulid,
  webhookId: z
    .string()
    .describe('The `webhook-id` sent with every attempt: the same across retries and redeliveries'),
  eventType: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.array(Attempt).describe('The latest 20 attempts, oldest first'),
  attemptCount: z.number().int().min(0),
  nextAttemptAt: z.iso.datetime().optional().describe('While pending: when the next attempt is due'),
  createdAt: z.iso.datetime(),
  deliveredAt: z.iso.datetime().optional(),
  failedAt: z.iso.datetime().optional(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryPage = pageOf(WebhookDelivery).describe(
  'Newest first. With `status`, a page can hold fewer than `limit` deliveries; follow `nextCursor` until it is absent.',
);
