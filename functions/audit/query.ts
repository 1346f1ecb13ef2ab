import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/db/client';
import { decodeCursor, encodeCursor } from '../shared/db/cursor';
import { ValidationError } from '../shared/http/errors';
import { ulidBound } from '../shared/ids';
import { auditPartitions, auditTableName } from './records';
import { type AuditQuery, AuditRecord } from './schemas';

const LIST = 'audit';

/**
 * One page of a tenant's audit trail, newest first, in one Query: on the resource index when a
 * resource is named (an actor then filters), else on the actor index, else on the tenant's
 * partition of the table. Time bounds are ULID bounds on the sort key (records' ids are ULIDs).
 */
export async function auditPage(tenantId: string, query: AuditQuery) {
  const from = query.from === undefined ? undefined : Date.parse(query.from);
  const to = query.to === undefined ? undefined : Date.parse(query.to);
  if (from !== undefined && to !== undefined && from >= to)
    throw new ValidationError([{ field: 'query.to', message: 'must be later than from' }]);
  const on = indexFor(tenantId, query);
  const startKey = await decodeCursor(query.cursor, LIST, on.partition, on.keys);
  const filter = query.resource !== undefined && query.actor !== undefined;
  const result = await documentClient.send(
    new QueryCommand({
      TableName: auditTableName(),
      ...(on.index ? { IndexName: on.index } : {}),
      KeyConditionExpression: '#p = :p AND sk BETWEEN :from AND :to',
      ...(filter ? { FilterExpression: 'actor = :actor' } : {}),
      ExpressionAttributeNames: { '#p': on.partition.attribute },
      ExpressionAttributeValues: {
        ':p': on.partition.value,
        ':from': ulidBound(from ?? 0, '0'),
        // Exclusive: the highest id of the millisecond before `to`.
        ':to': ulidBound((to ?? 281_474_976_710_655) - 1, 'Z'),
        ...(filter ? { ':actor': query.actor } : {}),
      },
      ScanIndexForward: false,
      ExclusiveStartKey: startKey,
      Limit: query.limit + 1,
    }),
  );
  const found = result.Items ?? [];
  const items = found.slice(0, query.limit);
  // A filtered Query may stop at its Limit with matches left: its LastEvaluatedKey says so.
  const lastKey =
    found.length > query.limit
      ? Object.fromEntries(on.keys.map((name) => [name, items.at(-1)?.[name]]))
      : result.LastEvaluatedKey;
  const nextCursor = await encodeCursor(LIST, lastKey);
  return {
    items: items.map((item) => AuditRecord.parse(recordOf(item))),
    ...(nextCursor ? { nextCursor } : {}),
  };
}

function indexFor(tenantId: string, query: AuditQuery) {
  if (query.resource !== undefined)
    return {
      index: 'auditByResource',
      partition: { attribute: 'resourcePk', value: auditPartitions.resource(tenantId, query.resource) },
      keys: ['pk', 'sk', 'resourcePk'],
    };
  if (query.actor !== undefined)
    return {
      index: 'auditByActor',
      partition: { attribute: 'actorPk', value: auditPartitions.actor(tenantId, query.actor) },
      keys: ['pk', 'sk', 'actorPk'],
    };
  return {
    index: undefined,
    partition: { attribute: 'pk', value: auditPartitions.tenant(tenantId) },
    keys: ['pk', 'sk'],
  };
}

function recordOf(item: Record<string, unknown>) {
  const { id, at, actor, resource, field, before, after, requestId, operation } = item;
  return { id, at, actor, resource, field, before, after, requestId, operation };
}
