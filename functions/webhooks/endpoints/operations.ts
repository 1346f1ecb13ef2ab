import { pick } from '../../shared/http/common-responses';
import { defineOperation } from '../../shared/http/operation';
import {
  EndpointIdParams,
  MAX_ENDPOINTS_PER_TENANT,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointCreated,
  WebhookEndpointList,
  WebhookEndpointPatch,
} from './schemas';

const tag = 'Webhooks';
/** Integrations manage their own subscriptions (scopes `webhooks:read` / `webhooks:write`). */
const roles = ['admin', 'integration'] as const;

const urlRefused = {
  description:
    'The URL may not be delivered to: in AWS not https, or its host is or resolves to a private, loopback or link-local address; anywhere: credentials or a fragment in it',
};

export const createWebhookEndpoint = defineOperation({
  operationId: 'createWebhookEndpoint',
  method: 'POST',
  path: '/v1/webhooks/endpoints',
  summary: 'Subscribe a URL to events; the answer carries its signing secret, shown this once',
  description: `Deliveries follow Standard Webhooks: \`webhook-id\`, \`webhook-timestamp\` and \`webhook-signature\` (\`v1,\` + base64 HMAC-SHA256 with the secret over \`id.timestamp.body\`). The secret is stored encrypted and never returned again: \`POST …/rotate-secret\` issues a new one. \`partnerId\` makes it a fulfilment partner’s endpoint, which receives only events of orders assigned to that partner. At most ${MAX_ENDPOINTS_PER_TENANT} endpoints per tenant (409 beyond). Not idempotent: a retry creates another endpoint with another secret.`,
  tag,
  auth: { roles },
  body: WebhookEndpointCreate,
  responses: {
    201: { description: 'Created; `secret` is shown this once', schema: WebhookEndpointCreated },
    ...pick(400, 401, 403, 409, 413, 415),
    422: urlRefused,
  },
});

export const listWebhookEndpoints = defineOperation({
  operationId: 'listWebhookEndpoints',
  method: 'GET',
  path: '/v1/webhooks/endpoints',
  summary: `List the tenant’s webhook endpoints (at most ${MAX_ENDPOINTS_PER_TENANT}, oldest first; one page)`,
  tag,
  auth: { roles },
  responses: { 200: { description: 'Every endpoint', schema: WebhookEndpointList }, ...pick(401, 403) },
});

export const getWebhookEndpoint = defineOperation({
  operationId: 'getWebhookEndpoint',
  method: 'GET',
  path: '/v1/webhooks/endpoints/{endpointId}',
  summary: 'Get a webhook endpoint (never its secret)',
  tag,
  auth: { roles },
  params: EndpointIdParams,
  responses: {
    200: { description: 'The endpoint; ETag carries its version', schema: WebhookEndpoint },
    ...pick(400, 401, 403, 404),
  },
});

export const updateWebhookEndpoint = defineOperation({
  operationId: 'updateWebhookEndpoint',
  method: 'PATCH',
  path: '/v1/webhooks/endpoints/{endpointId}',
  summary: 'Change a webhook endpoint (JSON merge patch; If-Match required)',
  description:
    '`enabled: true` turns a disabled endpoint back on and clears `disabledReason`, `disabledAt` and `failingSince`. A new `url` is checked as on create.',
  tag,
  auth: { roles },
  params: EndpointIdParams,
  body: WebhookEndpointPatch,
  requiresIfMatch: true,
  responses: {
    200: { description: 'The changed endpoint', schema: WebhookEndpoint },
    ...pick(400, 401, 403, 404, 412, 413, 415, 428),
    422: urlRefused,
  },
});

export const deleteWebhookEndpoint = defineOperation({
  operationId: 'deleteWebhookEndpoint',
  method: 'DELETE',
  path: '/v1/webhooks/endpoints/{endpointId}',
  summary: 'Delete a webhook endpoint',
  description: 'Deliveries still pending for it fail as “endpoint deleted” when they fall due.',
  tag,
  auth: { roles },
  params: EndpointIdParams,
  responses: { 204: { description: 'Deleted' }, ...pick(400, 401, 403, 404) },
});

export const rotateWebhookEndpointSecret = defineOperation({
  operationId: 'rotateWebhookEndpointSecret',
  method: 'POST',
  path: '/v1/webhooks/endpoints/{endpointId}/rotate-secret',
  summary: 'Issue a new signing secret; the previous one keeps signing for 24 hours',
  description:
    'Until `previousSecretExpiresAt` every delivery carries two signatures, one per secret, so a receiver can switch at its own pace. Rotating again within that time drops the oldest secret: an endpoint has at most two.',
  tag,
  auth: { roles },
  params: EndpointIdParams,
  responses: {
    200: {
      description: 'The endpoint with its new `secret`, shown this once',
      schema: WebhookEndpointCreated,
    },
    ...pick(400, 401, 403, 404, 409),
  },
});
