import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../../shared/db/client';
import { collectionKey } from '../../shared/db/keys';
import { versionedUpdate } from '../../shared/db/versioned-update';
import { WriteCancelledError, writeItems } from '../../shared/db/write-items';
import { ConflictError, NotFoundError } from '../../shared/http/errors';
import { newId } from '../../shared/ids';
import { openSecret, sealSecret } from '../../shared/secrets/sealed-secret';
import { newWebhookSecret } from '../../shared/signing/standard-webhooks';
import { liveSecrets, rotatedSecrets, type StoredSecret } from './endpoint-secrets';
import {
  MAX_ENDPOINTS_PER_TENANT,
  WebhookEndpoint,
  type WebhookEndpointCreate,
  type WebhookEndpointPatch,
} from './schemas';

export type { StoredSecret };

/**
 * A tenant's webhook endpoints: all in one partition (`T#<t>#WEBHOOK_ENDPOINTS`, sort key the
 * endpoint id), so the fan-out reads every endpoint of a tenant in one Query; at most 20 per
 * tenant, counted in an item of its own (`T#<t>#WEBHOOK_ENDPOINT_COUNT`) that each create and
 * delete moves in the same transaction, so concurrent creates cannot pass the limit.
 * Secrets are stored sealed only, bound to their tenant and endpoint.
 */
export const WEBHOOK_ENDPOINT_ENTITY = 'WEBHOOK_ENDPOINT';

export const endpointsPartition = (tenantId: string) => collectionKey(tenantId, 'WEBHOOK_ENDPOINTS');
export const endpointKey = (tenantId: string, endpointId: string) => ({
  pk: endpointsPartition(tenantId),
  sk: endpointId,
});
const countKey = (tenantId: string) => ({
  pk: collectionKey(tenantId, 'WEBHOOK_ENDPOINT_COUNT'),
  sk: 'COUNT',
});

/** The item as stored: the API's fields, the sealed secrets (current first) and the keys. */
export type EndpointRecord = WebhookEndpoint & {
  pk: string;
  sk: string;
  entity: typeof WEBHOOK_ENDPOINT_ENTITY;
  tenantId: string;
  secrets: StoredSecret[];
};

export const secretContext = (tenantId: string, endpointId: string) => ({ tenantId, endpointId });

const FIELDS = Object.keys(WebhookEndpoint.shape) as (keyof WebhookEndpoint)[];

/**
 * The API resource of a record: never a secret, sealed or not. A previous secret's expiry is
 * shown only while it still signs.
 */
export function toEndpoint(record: EndpointRecord, now: Date = new Date()): WebhookEndpoint {
  const endpoint: Record<string, unknown> = {};
  for (const field of FIELDS) if (record[field] !== undefined) endpoint[field] = record[field];
  if (record.previousSecretExpiresAt && Date.parse(record.previousSecretExpiresAt) <= now.getTime())
    delete endpoint.previousSecretExpiresAt;
  return endpoint as WebhookEndpoint;
}

/** Every endpoint of the tenant, oldest first: one consistent Query (20 items fit one page). */
export async function listEndpointRecords(tenantId: string): Promise<EndpointRecord[]> {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: domainTableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': endpointsPartition(tenantId) },
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? []) as EndpointRecord[];
}

export async function getEndpointRecord(
  tenantId: string,
  endpointId: string,
): Promise<EndpointRecord | undefined> {
  const result = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: endpointKey(tenantId, endpointId),
      ConsistentRead: true,
    }),
  );
  return result.Item as EndpointRecord | undefined;
}

async function requireEndpointRecord(tenantId: string, endpointId: string): Promise<EndpointRecord> {
  const record = await getEndpointRecord(tenantId, endpointId);
  if (!record) throw new NotFoundError('Webhook endpoint', endpointId);
  return record;
}

/** The plaintext secrets that sign a delivery at `now`, current first (a rotated-out one while it overlaps). */
export async function signingSecrets(record: EndpointRecord, now: Date): Promise<string[]> {
  const context = secretContext(record.tenantId, record.id);
  return Promise.all(liveSecrets(record.secrets, now).map((s) => openSecret(s.sealed, context)));
}

export class TooManyEndpointsError extends ConflictError {
  constructor() {
    super(
      'too-many-webhook-endpoints',
      'Too many webhook endpoints',
      `A tenant has at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints; delete one first.`,
      { limit: MAX_ENDPOINTS_PER_TENANT },
    );
  }
}

/** Creates the endpoint with a new secret; the plaintext secret is returned this once and never stored. */
export async function createEndpoint(
  tenantId: string,
  input: WebhookEndpointCreate,
  now: Date,
): Promise<{ record: EndpointRecord; secret: string }> {
  const id = newId();
  const secret = newWebhookSecret();
  const at = now.toISOString();
  const record: EndpointRecord = {
    ...endpointKey(tenantId, id),
    entity: WEBHOOK_ENDPOINT_ENTITY,
    tenantId,
    id,
    url: input.url,
    ...(input.description === undefined ? {} : { description: input.description }),
    eventTypes: input.eventTypes,
    enabled: input.enabled,
    ...(input.partnerId === undefined ? {} : { partnerId: input.partnerId }),
    secrets: [{ sealed: await sealSecret(secret, secretContext(tenantId, id)), createdAt: at }],
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  try {
    await writeItems([
      {
        Update: {
          TableName: domainTableName(),
          Key: countKey(tenantId),
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':max': MAX_ENDPOINTS_PER_TENANT },
        },
      },
      {
        Put: { TableName: domainTableName(), Item: record, ConditionExpression: 'attribute_not_exists(pk)' },
      },
    ]);
  } catch (error) {
    if (error instanceof WriteCancelledError && error.reasons[0] === 'ConditionalCheckFailed')
      throw new TooManyEndpointsError();
    throw error;
  }
  return { record, secret };
}

/**
 * Applies a merge patch guarded by the version. Enabling an endpoint also clears why and since
 * when it was disabled and its failing streak: an admin who turns it back on starts afresh.
 */
export async function updateEndpoint(
  tenantId: string,
  endpointId: string,
  expectedVersion: number,
  patch: WebhookEndpointPatch,
  now: Date,
): Promise<EndpointRecord> {
  const reEnabled =
    patch.enabled === true ? { disabledReason: null, disabledAt: null, failingSince: null } : {};
  return (await versionedUpdate({
    tableName: domainTableName(),
    key: endpointKey(tenantId, endpointId),
    expectedVersion,
    patch: { ...patch, ...reEnabled },
    now: now.toISOString(),
    resource: 'Webhook endpoint',
    id: endpointId,
  })) as EndpointRecord;
}

/** Deletes the endpoint and gives its place back; its pending deliveries fail when the worker reaches them. */
export async function deleteEndpoint(tenantId: string, endpointId: string): Promise<void> {
  try {
    await writeItems([
      {
        Delete: {
          TableName: domainTableName(),
          Key: endpointKey(tenantId, endpointId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      {
        Update: {
          TableName: domainTableName(),
          Key: countKey(tenantId),
          UpdateExpression: 'ADD #count :minusOne',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':minusOne': -1 },
        },
      },
    ]);
  } catch (error) {
    if (error instanceof WriteCancelledError && error.reasons[0] === 'ConditionalCheckFailed')
      throw new NotFoundError('Webhook endpoint', endpointId);
    throw error;
  }
}

/**
 * A new current secret; the one it replaces keeps signing for `overlapSeconds`. A read, then one
 * UpdateItem on condition that the endpoint did not change in between (then read again: a
 * concurrent rotation or delivery bookkeeping is not an error of the caller's).
 */
export async function rotateEndpointSecret(
  tenantId: string,
  endpointId: string,
  now: Date,
  overlapSeconds: number,
): Promise<{ record: EndpointRecord; secret: string }> {
  const secret = newWebhookSecret();
  const sealed = await sealSecret(secret, secretContext(tenantId, endpointId));
  for (let attempt = 0; ; attempt++) {
    const current = await requireEndpointRecord(tenantId, endpointId);
    const rotated = rotatedSecrets(current.secrets, sealed, now, overlapSeconds);
    try {
      const result = await documentClient.send(
        new UpdateCommand({
          TableName: domainTableName(),
          Key: endpointKey(tenantId, endpointId),
          UpdateExpression: `SET #secrets = :secrets, #version = #version + :one, #updatedAt = :now${
            rotated.previousExpiresAt ? ', #previous = :previous' : ''
          }${rotated.previousExpiresAt ? '' : ' REMOVE #previous'}`,
          ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
          ExpressionAttributeNames: {
            '#secrets': 'secrets',
            '#version': 'version',
            '#updatedAt': 'updatedAt',
            '#previous': 'previousSecretExpiresAt',
          },
          ExpressionAttributeValues: {
            ':secrets': rotated.secrets,
            ':one': 1,
            ':now': now.toISOString(),
            ':expected': current.version,
            ...(rotated.previousExpiresAt ? { ':previous': rotated.previousExpiresAt } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { record: result.Attributes as EndpointRecord, secret };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (attempt >= 2)
        throw new ConflictError(
          'concurrent-change',
          'The endpoint is changing',
          'The endpoint changed while its secret was rotated, three times in a row; try again.',
        );
    }
  }
}
