import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../shared/db/client';
import { WriteCancelledError, writeItems } from '../shared/db/write-items';
import { ConflictError, NotFoundError } from '../shared/http/errors';
import { newId } from '../shared/ids';
import { sealSecret } from '../shared/secrets/sealed-secret';
import { newWebhookSecret } from '../shared/signing/standard-webhooks';
import { rotatedSecrets, type StoredSecret } from '../webhooks/endpoints/endpoint-secrets';
import { secretContext, sourceCountKey, sourceKey, sourceLookupKey, sourcesPartition } from './keys';
import { InboundSource, type InboundSourceCreate, MAX_INBOUND_SOURCES_PER_TENANT } from './schemas';

/**
 * Inbound sources, two items each, always written together in one transaction:
 * - the tenant's item (`T#<t>#INBOUND_SOURCES` / `<sourceId>`): the API's fields, for the list;
 * - the global lookup (`INBOUND_SOURCE#<sourceId>` / `INBOUND_SOURCE`): the tenant, the kind, the
 *   partner and the sealed secrets (current first), for verifying a message with one GetItem.
 * The secrets live in the lookup only, sealed with the context `{ sourceId }`; a count item per
 * tenant keeps concurrent creates within the limit, as webhook endpoints do.
 */
export const SOURCE_ENTITY = 'INBOUND_SOURCE';
export const SOURCE_LOOKUP_ENTITY = 'INBOUND_SOURCE_LOOKUP';

type SourceRecord = Omit<InboundSource, 'url'> & {
  pk: string;
  sk: string;
  entity: typeof SOURCE_ENTITY;
  tenantId: string;
};

/** What verifying a message needs, and nothing a tenant's list shows. */
export interface SourceLookup {
  pk: string;
  sk: string;
  entity: typeof SOURCE_LOOKUP_ENTITY;
  sourceId: string;
  tenantId: string;
  kind: InboundSource['kind'];
  partnerId?: string;
  channel?: InboundSource['channel'];
  secrets: StoredSecret[];
  version: number;
}

const FIELDS = Object.keys(InboundSource.shape).filter((f) => f !== 'url') as (keyof SourceRecord &
  keyof InboundSource)[];

export const inboundUrl = (kind: InboundSource['kind'], sourceId: string) =>
  `/v1/inbound/${kind}/${sourceId}`;

/** The API resource: never a secret, sealed or not; a previous secret's expiry only while it is accepted. */
function toSource(record: SourceRecord, now: Date): InboundSource {
  const source: Record<string, unknown> = {};
  for (const field of FIELDS) if (record[field] !== undefined) source[field] = record[field];
  source.url = inboundUrl(record.kind, record.id);
  if (record.previousSecretExpiresAt && Date.parse(record.previousSecretExpiresAt) <= now.getTime())
    delete source.previousSecretExpiresAt;
  return source as InboundSource;
}

export class TooManySourcesError extends ConflictError {
  constructor() {
    super(
      'too-many-inbound-sources',
      'Too many inbound sources',
      `A tenant has at most ${MAX_INBOUND_SOURCES_PER_TENANT} inbound sources; delete one first.`,
      { limit: MAX_INBOUND_SOURCES_PER_TENANT },
    );
  }
}

/** A new source with a new secret; the plaintext secret is returned this once and never stored. */
export async function createSource(
  tenantId: string,
  input: InboundSourceCreate,
  now: Date,
): Promise<{ source: InboundSource; secret: string }> {
  const id = newId();
  const secret = newWebhookSecret();
  const at = now.toISOString();
  const partnerId = input.kind === 'fulfilment' ? input.partnerId : undefined;
  const channel = input.kind === 'needs' ? input.channel : undefined;
  const record: SourceRecord = {
    ...sourceKey(tenantId, id),
    entity: SOURCE_ENTITY,
    tenantId,
    id,
    kind: input.kind,
    ...(partnerId === undefined ? {} : { partnerId }),
    ...(channel === undefined ? {} : { channel }),
    ...(input.description === undefined ? {} : { description: input.description }),
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  const lookup: SourceLookup = {
    ...sourceLookupKey(id),
    entity: SOURCE_LOOKUP_ENTITY,
    sourceId: id,
    tenantId,
    kind: input.kind,
    ...(partnerId === undefined ? {} : { partnerId }),
    ...(channel === undefined ? {} : { channel }),
    secrets: [{ sealed: await sealSecret(secret, secretContext(id)), createdAt: at }],
    version: 1,
  };
  const TableName = domainTableName();
  try {
    await writeItems([
      {
        Update: {
          TableName,
          Key: sourceCountKey(tenantId),
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':max': MAX_INBOUND_SOURCES_PER_TENANT },
        },
      },
      { Put: { TableName, Item: record, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName, Item: lookup, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
  } catch (error) {
    if (error instanceof WriteCancelledError && error.reasons[0] === 'ConditionalCheckFailed')
      throw new TooManySourcesError();
    throw error;
  }
  return { source: toSource(record, now), secret };
}

/** The tenant's sources, oldest first: one consistent Query (the limit fits one page). */
export async function listSources(tenantId: string, now: Date): Promise<InboundSource[]> {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: domainTableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': sourcesPartition(tenantId) },
      ConsistentRead: true,
    }),
  );
  return ((result.Items ?? []) as SourceRecord[]).map((record) => toSource(record, now));
}

/** The lookup of a message's source (consistent: a rotation or a deletion holds from the next message on). */
export async function readSourceLookup(sourceId: string): Promise<SourceLookup | undefined> {
  const result = await documentClient.send(
    new GetCommand({ TableName: domainTableName(), Key: sourceLookupKey(sourceId), ConsistentRead: true }),
  );
  return result.Item as SourceLookup | undefined;
}

/** The tenant's source's lookup, or 404: a source of another tenant does not exist for this one. */
async function requireOwnLookup(tenantId: string, sourceId: string): Promise<SourceLookup> {
  const lookup = await readSourceLookup(sourceId);
  if (!lookup || lookup.tenantId !== tenantId) throw new NotFoundError('Inbound source', sourceId);
  return lookup;
}

/** Deletes both items and gives the place back; messages signed for the source are refused from now on. */
export async function deleteSource(tenantId: string, sourceId: string): Promise<void> {
  const TableName = domainTableName();
  try {
    await writeItems([
      {
        Delete: {
          TableName,
          Key: sourceKey(tenantId, sourceId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      {
        Delete: {
          TableName,
          Key: sourceLookupKey(sourceId),
          ConditionExpression: 'tenantId = :tenant',
          ExpressionAttributeValues: { ':tenant': tenantId },
        },
      },
      {
        Update: {
          TableName,
          Key: sourceCountKey(tenantId),
          UpdateExpression: 'ADD #count :minusOne',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':minusOne': -1 },
        },
      },
    ]);
  } catch (error) {
    if (error instanceof WriteCancelledError && (error.reasons[0] || error.reasons[1]))
      throw new NotFoundError('Inbound source', sourceId);
    throw error;
  }
}

/**
 * A new current secret; the one it replaces is still accepted for `overlapSeconds` (the rule of
 * webhook endpoints: at most two live secrets). Read, then both items in one transaction on
 * condition that the source did not change in between (then read again).
 */
export async function rotateSourceSecret(
  tenantId: string,
  sourceId: string,
  now: Date,
  overlapSeconds: number,
): Promise<{ source: InboundSource; secret: string }> {
  const secret = newWebhookSecret();
  const sealed = await sealSecret(secret, secretContext(sourceId));
  const at = now.toISOString();
  const TableName = domainTableName();
  for (let attempt = 0; ; attempt++) {
    const lookup = await requireOwnLookup(tenantId, sourceId);
    const rotated = rotatedSecrets(lookup.secrets, sealed, now, overlapSeconds);
    const previous = rotated.previousExpiresAt;
    try {
      await writeItems([
        {
          Update: {
            TableName,
            Key: sourceLookupKey(sourceId),
            UpdateExpression: 'SET #secrets = :secrets, #version = #version + :one',
            ConditionExpression: '#version = :expected AND tenantId = :tenant',
            ExpressionAttributeNames: { '#secrets': 'secrets', '#version': 'version' },
            ExpressionAttributeValues: {
              ':secrets': rotated.secrets,
              ':one': 1,
              ':expected': lookup.version,
              ':tenant': tenantId,
            },
          },
        },
        {
          Update: {
            TableName,
            Key: sourceKey(tenantId, sourceId),
            UpdateExpression: `SET #version = #version + :one, #updatedAt = :now${previous ? ', #previous = :previous' : ' REMOVE #previous'}`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: {
              '#version': 'version',
              '#updatedAt': 'updatedAt',
              '#previous': 'previousSecretExpiresAt',
            },
            ExpressionAttributeValues: {
              ':one': 1,
              ':now': at,
              ...(previous ? { ':previous': previous } : {}),
            },
          },
        },
      ]);
      break;
    } catch (error) {
      if (!(error instanceof WriteCancelledError)) throw error;
      if (attempt >= 2)
        throw new ConflictError(
          'concurrent-change',
          'The source is changing',
          'The source changed while its secret was rotated, three times in a row; try again.',
        );
    }
  }
  return { source: await readSource(tenantId, sourceId, now), secret };
}

async function readSource(tenantId: string, sourceId: string, now: Date): Promise<InboundSource> {
  const result = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: sourceKey(tenantId, sourceId),
      ConsistentRead: true,
    }),
  );
  // Deleted since the rotation committed: the secret just made opens nothing any more.
  if (!result.Item) throw new NotFoundError('Inbound source', sourceId);
  return toSource(result.Item as SourceRecord, now);
}
