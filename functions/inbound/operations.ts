import * as z from 'zod';
import { Need } from '../needs/schemas';
import { pick } from '../shared/http/common-responses';
import { defineOperation } from '../shared/http/operation';
import {
  FulfilmentAnswer,
  FulfilmentMessage,
  InboundSourceCreate,
  InboundSourceCreated,
  InboundSourceList,
  NeedMessage,
  SourceIdParams,
} from './schemas';

const tag = 'Webhooks';
const admins = { roles: ['admin'] } as const;

/** Registering who may push into the tenant is an admin's decision, like its users. */
export const createInboundSource = defineOperation({
  operationId: 'createInboundSource',
  method: 'POST',
  path: '/v1/webhooks/inbound-sources',
  summary: 'Register a sender of signed webhooks: a fulfilment partner or a form tool (secret shown once)',
  description:
    'The answer carries the URL to give the sender and its signing secret (`whsec_…`), this once. The sender signs each message per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`). A `fulfilment` source reports on the orders of its `partnerId` only; a `needs` source creates needs (`channel`: the default of the needs it pushes). Not idempotent: a retried create registers a second source (delete the one you did not keep).',
  tag,
  auth: admins,
  body: InboundSourceCreate,
  responses: {
    201: { description: 'Registered; the secret is in this answer only', schema: InboundSourceCreated },
    ...pick(400, 401, 403, 409, 413, 415),
  },
});

export const listInboundSources = defineOperation({
  operationId: 'listInboundSources',
  method: 'GET',
  path: '/v1/webhooks/inbound-sources',
  summary: 'List the tenant’s inbound sources (never their secrets)',
  tag,
  auth: admins,
  responses: {
    200: { description: 'Every source of the tenant, oldest first', schema: InboundSourceList },
    ...pick(401, 403),
  },
});

export const deleteInboundSource = defineOperation({
  operationId: 'deleteInboundSource',
  method: 'DELETE',
  path: '/v1/webhooks/inbound-sources/{sourceId}',
  summary: 'Remove an inbound source: its messages are refused (401) from now on',
  tag,
  auth: admins,
  params: SourceIdParams,
  responses: { 204: { description: 'Removed' }, ...pick(400, 401, 403, 404) },
});

export const rotateInboundSourceSecret = defineOperation({
  operationId: 'rotateInboundSourceSecret',
  method: 'POST',
  path: '/v1/webhooks/inbound-sources/{sourceId}/rotate-secret',
  summary: 'Issue a new signing secret; the previous one is still accepted for 24 hours',
  description:
    'Messages signed with either secret verify until `previousSecretExpiresAt`, so the sender can switch without losing one. A second rotation within the overlap drops the oldest secret at once.',
  tag,
  auth: admins,
  params: SourceIdParams,
  responses: {
    200: { description: 'The new secret, shown this once', schema: InboundSourceCreated },
    ...pick(400, 401, 403, 404, 409),
  },
});

const SIGNED =
  'No bearer token: the message is authenticated by its Standard Webhooks signature with the source’s secret (headers `webhook-id`, `webhook-timestamp` within five minutes, `webhook-signature`), checked before anything else. A missing or wrong signature, a stale timestamp or an unknown source: 401, nothing changes. The same `webhook-id` again: the first answer with `idempotent-replayed: true`, no second effect.';

const InboundParams = z.strictObject({
  sourceId: SourceIdParams.shape.sourceId.describe('The source’s id, from its registration'),
});

const UNSIGNED = {
  description: 'Missing or wrong signature, a timestamp more than five minutes off, or an unknown source',
};

export const receiveFulfilmentReport = defineOperation({
  operationId: 'receiveFulfilmentReport',
  method: 'POST',
  path: '/v1/inbound/fulfilment/{sourceId}',
  summary: 'A fulfilment partner reports shipped, delivered or failed (signed webhook)',
  description: `${SIGNED} The report does what the fulfilment API does (and resumes the order's workflow); an order that is not the partner's (or of another tenant) is a 404, one in the wrong state a 409.`,
  tag,
  auth: { public: true },
  params: InboundParams,
  body: FulfilmentMessage,
  responses: {
    200: { description: 'Recorded', schema: FulfilmentAnswer },
    ...pick(400, 404, 409, 413, 415, 422),
    401: UNSIGNED,
  },
});

export const receiveNeed = defineOperation({
  operationId: 'receiveNeed',
  method: 'POST',
  path: '/v1/inbound/needs/{sourceId}',
  summary: 'A form or survey tool pushes a customer need (signed webhook)',
  description: `${SIGNED} The need is created as \`POST /v1/needs\` creates it, its \`channel\` the source's when the message names none.`,
  tag,
  auth: { public: true },
  params: InboundParams,
  body: NeedMessage,
  responses: {
    201: { description: 'Created', schema: Need },
    ...pick(400, 409, 413, 415, 422),
    401: UNSIGNED,
  },
});
