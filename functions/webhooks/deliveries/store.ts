import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../../shared/db/client';
import { decodeCursor, encodeCursor } from '../../shared/db/cursor';
import { collectionKey } from '../../shared/db/keys';
import { ConflictError, NotFoundError } from '../../shared/http/errors';
import { deliverySettings } from '../delivery/config';
import { attemptInline } from '../delivery/inline';
import { deliveriesCollection } from '../delivery/keys';
import { type DeliveryRecord, type DeliveryStatus, dueItem, getDelivery, requeue } from '../delivery/queue';
import { getEndpointRecord } from '../endpoints/store';
import type { WebhookDelivery } from './schemas';

/** The deliveries API over the queue's items: reads, and a redelivery. */
export function toDelivery(record: DeliveryRecord): WebhookDelivery {
  return {
    id: record.id,
    endpointId: record.endpointId,
    webhookId: record.webhookId,
    eventType: record.eventType,
    status: record.status,
    attempts: record.attempts,
    attemptCount: record.attemptCount,
    ...(record.status === 'pending' && record.nextAttemptAt ? { nextAttemptAt: record.nextAttemptAt } : {}),
    createdAt: record.createdAt,
    ...(record.deliveredAt ? { deliveredAt: record.deliveredAt } : {}),
    ...(record.failedAt ? { failedAt: record.failedAt } : {}),
  };
}

const START_KEY = ['pk', 'sk', 'collectionPk', 'collectionSk'] as const;
/** Queries one page may take while a status filter skips deliveries: enough, and bounded. */
const MAX_QUERIES = 5;

/**
 * One page of an endpoint's deliveries, newest first, on `byTenantCollection`. A status filter
 * is applied by DynamoDB after reading, so a page may come back short with a cursor to go on.
 */
export async function listDeliveries(
  tenantId: string,
  query: { endpointId: string; status?: DeliveryStatus; limit: number; cursor?: string },
): Promise<{ items: WebhookDelivery[]; nextCursor?: string }> {
  const collection = deliveriesCollection(query.endpointId);
  const partition = collectionKey(tenantId, collection);
  let startKey = await decodeCursor(
    query.cursor,
    collection,
    { attribute: 'collectionPk', value: partition },
    START_KEY,
  );
  const items: DeliveryRecord[] = [];
  for (let round = 0; round < MAX_QUERIES && items.length < query.limit; round++) {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: domainTableName(),
        IndexName: 'byTenantCollection',
        KeyConditionExpression: 'collectionPk = :p',
        ...(query.status
          ? {
              FilterExpression: '#status = :status',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':p': partition, ':status': query.status },
            }
          : { ExpressionAttributeValues: { ':p': partition } }),
        ExclusiveStartKey: startKey,
        ScanIndexForward: false,
        // Stops on the last item wanted, so LastEvaluatedKey is where the next page starts.
        Limit: query.limit - items.length,
      }),
    );
    items.push(...((page.Items ?? []) as DeliveryRecord[]));
    startKey = page.LastEvaluatedKey;
    if (!startKey) break;
  }
  const nextCursor = startKey
    ? await encodeCursor(collection, Object.fromEntries(START_KEY.map((name) => [name, startKey?.[name]])))
    : undefined;
  return { items: items.map(toDelivery), ...(nextCursor ? { nextCursor } : {}) };
}

export async function requireDelivery(tenantId: string, deliveryId: string): Promise<DeliveryRecord> {
  const record = await getDelivery(tenantId, deliveryId);
  if (!record) throw new NotFoundError('Webhook delivery', deliveryId);
  return record;
}

/** Queues a finished delivery again and attempts it at once; 409 while it is pending or when its endpoint cannot take it. */
export async function redeliver(tenantId: string, deliveryId: string, now: Date): Promise<WebhookDelivery> {
  const record = await requireDelivery(tenantId, deliveryId);
  const endpoint = await getEndpointRecord(tenantId, record.endpointId);
  if (!endpoint?.enabled)
    throw new ConflictError(
      'webhook-endpoint-disabled',
      'The endpoint does not take deliveries',
      `Endpoint ${record.endpointId} is ${endpoint ? 'disabled: enable it first' : 'deleted'}.`,
    );
  const queued = record.status === 'pending' ? undefined : await requeue(tenantId, deliveryId, now);
  if (!queued)
    throw new ConflictError(
      'webhook-delivery-pending',
      'The delivery is pending',
      'It is still being attempted; redeliver it once it has succeeded or failed.',
    );
  // Sent at once, as the fan-out sends a new delivery; what the budget leaves, the sweeper sends.
  const lane = { tenantId, endpointId: queued.endpointId, laneId: queued.laneId };
  await attemptInline([dueItem(lane, queued.nextAttemptAt as string)], deliverySettings());
  return toDelivery((await getDelivery(tenantId, deliveryId)) ?? queued);
}
