import { pick } from '../../shared/http/common-responses';
import { defineOperation } from '../../shared/http/operation';
import { DeliveryIdParams, DeliveryListQuery, WebhookDelivery, WebhookDeliveryPage } from './schemas';

/**
 * Webhook deliveries (docs/webhooks.md): what was sent to an endpoint, each attempt and its
 * answer, and a way to send one again.
 */
const tag = 'Webhooks';
const roles = ['admin', 'integration'] as const;

export const listWebhookDeliveries = defineOperation({
  operationId: 'listWebhookDeliveries',
  method: 'GET',
  path: '/v1/webhooks/deliveries',
  summary: 'An endpoint’s deliveries, newest first, with their attempts',
  tag,
  auth: { roles },
  query: DeliveryListQuery,
  responses: { 200: { description: 'One page', schema: WebhookDeliveryPage }, ...pick(400, 401, 403) },
});

export const getWebhookDelivery = defineOperation({
  operationId: 'getWebhookDelivery',
  method: 'GET',
  path: '/v1/webhooks/deliveries/{deliveryId}',
  summary: 'A delivery: status, attempts (status code, duration, start of the answer), next attempt',
  tag,
  auth: { roles },
  params: DeliveryIdParams,
  responses: { 200: { description: 'The delivery', schema: WebhookDelivery }, ...pick(400, 401, 403, 404) },
});

export const redeliverWebhook = defineOperation({
  operationId: 'redeliverWebhook',
  method: 'POST',
  path: '/v1/webhooks/deliveries/{deliveryId}/redeliver',
  summary: 'Send a delivery again, with the same webhook-id',
  description:
    'Queues a succeeded or failed delivery again and attempts it at once (202, with the delivery as it is after that attempt: `succeeded`, or `pending` on a fresh retry schedule), with the same `webhook-id` (receivers that de-duplicate ignore it if they had it). Its attempt log continues. A pending delivery, or one whose endpoint is disabled or deleted, is a 409.',
  tag,
  auth: { roles },
  params: DeliveryIdParams,
  responses: {
    202: { description: 'Queued and attempted once', schema: WebhookDelivery },
    ...pick(400, 401, 403, 404),
    409: { description: 'The delivery is pending, or its endpoint is disabled or deleted' },
  },
});
