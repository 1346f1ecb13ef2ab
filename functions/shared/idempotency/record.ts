import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, idempotencyTableName } from '../db/client';
import type { TransactItem } from '../db/transact-item';

/**
 * The record of one creating request, written in the same transaction as what it creates. It
 * holds what a retry needs to answer as the first request did: the request's hash (to refuse the
 * key with another request), the created resource's id and the status code, plus small extras
 * of the first response (such as its warnings). It never holds the resource itself: a retry
 * reads the resource as it is now (see `idempotent-request.ts`), so the record stays far below
 * 1 KB whatever the size of what was created.
 */
export interface IdempotencyRecord {
  id: string;
  requestHash: string;
  operationId: string;
  resourceId: string;
  statusCode: number;
  extras?: Record<string, unknown>;
  createdAt: string;
  /** Epoch seconds; the table's TTL attribute. DynamoDB deletes late, so reads check it too. */
  expiration: number;
}

const DEFAULT_RETENTION_SECONDS = 24 * 60 * 60;

/** How long a key is remembered: 24 h unless `IDEMPOTENCY_RETENTION_SECONDS` says otherwise. */
export function retentionSeconds(): number {
  const configured = Number(process.env.IDEMPOTENCY_RETENTION_SECONDS);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_RETENTION_SECONDS;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/**
 * A key belongs to the tenant, the caller and the operation: another user's identical key, or
 * the same key on another operation, is another key. Hashed, so a user id holding `#` cannot
 * collide with another; the tenant stays readable for operators.
 */
export const recordId = (tenantId: string, userId: string, operationId: string, key: string) =>
  `${tenantId}#${sha256(JSON.stringify([userId, operationId, key]))}`;

/** JSON with object keys sorted: two bodies that differ only in key order are one request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What makes two requests "the same": the path parameters and the validated body. */
export const requestHash = (params: unknown, body: unknown) =>
  sha256(canonical([params ?? {}, body ?? null]));

/** The live record of a key, or undefined (never written, or past its retention). */
export async function readRecord(id: string, now: Date): Promise<IdempotencyRecord | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: idempotencyTableName(), Key: { id }, ConsistentRead: true }),
  );
  const record = Item as IdempotencyRecord | undefined;
  return record && record.expiration > now.getTime() / 1000 ? record : undefined;
}

/** The record's Put: it succeeds only while the key is free (never taken, or expired). */
export function recordPut(record: IdempotencyRecord, now: Date): TransactItem {
  return {
    Put: {
      TableName: idempotencyTableName(),
      Item: record,
      ConditionExpression: 'attribute_not_exists(#id) OR #expiration <= :now',
      ExpressionAttributeNames: { '#id': 'id', '#expiration': 'expiration' },
      ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
    },
  };
}
