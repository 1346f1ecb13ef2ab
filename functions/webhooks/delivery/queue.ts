import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../../shared/db/client';
import type { TransactItem } from '../../shared/db/transact-item';
import { WriteCancelledError, writeItems } from '../../shared/db/write-items';
import {
  DELIVERY_ENTITY,
  DUE_ENTITY,
  deliveryIdOf,
  deliveryKey,
  deliveryListAttributes,
  dueBound,
  dueKey,
  duePartition,
  LANE_ENTRY_ENTITY,
  type LaneRef,
  laneEntryKey,
  lanePartition,
} from './keys';
import type { WebhookMessage } from './message';

/**
 * The queue's reads and writes (keys.ts says where each item lives). Every change of a delivery
 * is one write, conditional where two workers could meet: an enqueue on the delivery not existing
 * (fan-out is idempotent), an attempt on a lease taken first (two workers never send the same
 * attempt), its outcome on still holding that lease.
 */
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface AttemptLog {
  at: string;
  durationMs: number;
  statusCode?: number;
  error?: string;
  responseBody?: string;
}

/** The attempts a delivery keeps: its latest ones (attemptCount counts them all). */
export const KEPT_ATTEMPTS = 20;

export interface DeliveryRecord {
  pk: string;
  sk: string;
  entity: typeof DELIVERY_ENTITY;
  tenantId: string;
  id: string;
  endpointId: string;
  webhookId: string;
  eventType: string;
  laneId: string;
  /** The exact bytes signed and sent. */
  body: string;
  status: DeliveryStatus;
  attempts: AttemptLog[];
  attemptCount: number;
  /** Attempts since it was (re)queued: where in the retry schedule it is. */
  roundAttempts: number;
  nextAttemptAt?: string;
  createdAt: string;
  deliveredAt?: string;
  failedAt?: string;
  leaseId?: string;
  leaseUntil?: string;
}

export interface DueEntry extends LaneRef {
  pk: string;
  sk: string;
  dueAt: string;
}

const table = () => domainTableName();

const laneOf = (tenantId: string, endpointId: string, laneId: string): LaneRef => ({
  tenantId,
  endpointId,
  laneId,
});

export function dueItem(lane: LaneRef, dueAt: string): DueEntry & { entity: string } {
  return { ...dueKey(lane, dueAt), entity: DUE_ENTITY, ...lane, dueAt };
}

/** The delivery, its lane entry and a wake-up for its lane now: three Puts for one transaction. */
export function enqueueItems(
  tenantId: string,
  endpointId: string,
  message: WebhookMessage,
  now: Date,
): { items: TransactItem[]; due: DueEntry } {
  const at = now.toISOString();
  const id = deliveryIdOf(endpointId, message.webhookId);
  const delivery: DeliveryRecord = {
    ...deliveryKey(tenantId, id),
    entity: DELIVERY_ENTITY,
    tenantId,
    id,
    endpointId,
    webhookId: message.webhookId,
    eventType: message.eventType,
    laneId: message.laneId,
    body: message.body,
    status: 'pending',
    attempts: [],
    attemptCount: 0,
    roundAttempts: 0,
    nextAttemptAt: at,
    createdAt: at,
  };
  const lane = laneOf(tenantId, endpointId, message.laneId);
  const due = dueItem(lane, at);
  return {
    due,
    items: [
      {
        Put: {
          TableName: table(),
          Item: { ...delivery, ...deliveryListAttributes(tenantId, endpointId, at, id) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: table(),
          Item: {
            ...laneEntryKey(tenantId, endpointId, message.laneId, message.webhookId),
            entity: LANE_ENTRY_ENTITY,
            deliveryId: id,
          },
        },
      },
      { Put: { TableName: table(), Item: due } },
    ],
  };
}

/** Queues the message for the endpoint: its due entry, or undefined when it was queued before (a repeated record). */
export async function enqueue(
  tenantId: string,
  endpointId: string,
  message: WebhookMessage,
  now: Date,
): Promise<DueEntry | undefined> {
  const { items, due } = enqueueItems(tenantId, endpointId, message, now);
  try {
    await writeItems(items);
    return due;
  } catch (error) {
    if (error instanceof WriteCancelledError && error.reasons[0] === 'ConditionalCheckFailed')
      return undefined;
    throw error;
  }
}

/** Due entries of one shard at or before `until`, earliest first. */
export async function dueEntries(shard: number, until: Date, limit: number): Promise<DueEntry[]> {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk < :bound',
      ExpressionAttributeValues: { ':pk': duePartition(shard), ':bound': dueBound(until) },
      Limit: limit,
    }),
  );
  return (result.Items ?? []) as DueEntry[];
}

export async function deleteDue(due: Pick<DueEntry, 'pk' | 'sk'>): Promise<void> {
  await documentClient.send(new DeleteCommand({ TableName: table(), Key: { pk: due.pk, sk: due.sk } }));
}

/** The lane's first pending delivery (the only one that may be sent), if any. */
export async function laneHead(
  lane: LaneRef,
): Promise<{ webhookId: string; deliveryId: string } | undefined> {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': lanePartition(lane.tenantId, lane.endpointId, lane.laneId) },
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const head = result.Items?.[0];
  return head ? { webhookId: head.sk as string, deliveryId: head.deliveryId as string } : undefined;
}

export async function deleteLaneEntry(
  delivery: Pick<DeliveryRecord, 'tenantId' | 'endpointId' | 'laneId' | 'webhookId'>,
) {
  await documentClient.send(
    new DeleteCommand({
      TableName: table(),
      Key: laneEntryKey(delivery.tenantId, delivery.endpointId, delivery.laneId, delivery.webhookId),
    }),
  );
}

export async function getDelivery(tenantId: string, deliveryId: string): Promise<DeliveryRecord | undefined> {
  const result = await documentClient.send(
    new GetCommand({ TableName: table(), Key: deliveryKey(tenantId, deliveryId), ConsistentRead: true }),
  );
  return result.Item as DeliveryRecord | undefined;
}

/**
 * Takes the delivery for one attempt until `until`: only while it is pending and nobody else
 * holds it (a holder that died lets go when its lease runs out). Returns the lease, or undefined.
 */
export async function takeLease(
  delivery: DeliveryRecord,
  now: Date,
  until: Date,
): Promise<string | undefined> {
  const leaseId = randomUUID();
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: delivery.pk, sk: delivery.sk },
        UpdateExpression: 'SET leaseId = :lease, leaseUntil = :until',
        ConditionExpression: '#status = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':lease': leaseId,
          ':until': until.toISOString(),
          ':pending': 'pending',
          ':now': now.toISOString(),
        },
      }),
    );
    return leaseId;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

export type AttemptResult =
  | { status: 'succeeded' }
  | { status: 'failed' }
  | { status: 'pending'; nextAttemptAt: string };

/**
 * Records an attempt and what follows from it, in one transaction, if the lease is still ours: a
 * finished delivery leaves its lane; one to be retried gets its lane's wake-up at the retry time.
 * False when the lease was lost (the attempt then counts for nothing: it will be made again).
 */
export async function recordAttempt(
  delivery: DeliveryRecord,
  leaseId: string,
  attempt: AttemptLog,
  result: AttemptResult,
  options: { counted?: boolean } = {},
): Promise<boolean> {
  const attempts = [...delivery.attempts, attempt].slice(-KEPT_ATTEMPTS);
  const set = [
    'attempts = :attempts',
    'attemptCount = attemptCount + :one',
    'roundAttempts = roundAttempts + :turn',
    '#status = :status',
  ];
  const remove = ['leaseId', 'leaseUntil'];
  const values: Record<string, unknown> = {
    ':attempts': attempts,
    ':one': 1,
    // An attempt our own budget cut short takes no turn of the retry schedule.
    ':turn': options.counted === false ? 0 : 1,
    ':status': result.status,
    ':lease': leaseId,
  };
  if (result.status === 'pending') {
    set.push('nextAttemptAt = :next');
    values[':next'] = result.nextAttemptAt;
  } else {
    remove.push('nextAttemptAt');
    set.push(result.status === 'succeeded' ? 'deliveredAt = :at' : 'failedAt = :at');
    values[':at'] = attempt.at;
  }
  const items: TransactItem[] = [
    {
      Update: {
        TableName: table(),
        Key: { pk: delivery.pk, sk: delivery.sk },
        UpdateExpression: `SET ${set.join(', ')} REMOVE ${remove.join(', ')}`,
        ConditionExpression: 'leaseId = :lease',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      },
    },
    result.status === 'pending'
      ? {
          Put: {
            TableName: table(),
            Item: dueItem(
              laneOf(delivery.tenantId, delivery.endpointId, delivery.laneId),
              result.nextAttemptAt,
            ),
          },
        }
      : {
          Delete: {
            TableName: table(),
            Key: laneEntryKey(delivery.tenantId, delivery.endpointId, delivery.laneId, delivery.webhookId),
          },
        },
  ];
  try {
    await writeItems(items);
    return true;
  } catch (error) {
    if (error instanceof WriteCancelledError && error.reasons[0] === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

/**
 * Queues a finished delivery again (a redelivery): pending now, a new round of the schedule,
 * its attempt log kept; back in its lane with a wake-up now. Undefined when it is pending already
 * or does not exist (the caller tells which).
 */
export async function requeue(
  tenantId: string,
  deliveryId: string,
  now: Date,
): Promise<DeliveryRecord | undefined> {
  const delivery = await getDelivery(tenantId, deliveryId);
  if (!delivery || delivery.status === 'pending') return undefined;
  const at = now.toISOString();
  try {
    await writeItems([
      {
        Update: {
          TableName: table(),
          Key: deliveryKey(tenantId, deliveryId),
          UpdateExpression:
            'SET #status = :pending, nextAttemptAt = :now, roundAttempts = :zero REMOVE deliveredAt, failedAt',
          ConditionExpression: '#status = :was',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':now': at,
            ':zero': 0,
            ':was': delivery.status,
          },
        },
      },
      {
        Put: {
          TableName: table(),
          Item: {
            ...laneEntryKey(tenantId, delivery.endpointId, delivery.laneId, delivery.webhookId),
            entity: LANE_ENTRY_ENTITY,
            deliveryId,
          },
        },
      },
      {
        Put: {
          TableName: table(),
          Item: dueItem(laneOf(tenantId, delivery.endpointId, delivery.laneId), at),
        },
      },
    ]);
  } catch (error) {
    if (error instanceof WriteCancelledError && error.reasons[0] === 'ConditionalCheckFailed')
      return undefined;
    throw error;
  }
  const { deliveredAt: _d, failedAt: _f, ...rest } = delivery;
  return { ...rest, status: 'pending', nextAttemptAt: at, roundAttempts: 0 };
}
