import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { type CloudEvent, fromStreamRecord } from '../../events/envelope';
import { orderKey } from '../../orders/keys';
import { documentClient, domainTableName } from '../../shared/db/client';
import { logger } from '../../shared/logger';
import type { StreamBatchOutcome } from '../../shared/stream/handler';
import { type EndpointRecord, listEndpointRecords } from '../endpoints/store';
import { matchesAny, webhookTypeOf } from '../event-types';
import { type DeliverySettings, deliverySettings } from './config';
import { attemptInline } from './inline';
import { orderEventMessage } from './message';
import { type DueEntry, enqueue } from './queue';

/**
 * FanOutWebhooks: each domain event, in stream order, queued once for every enabled endpoint of
 * its tenant that subscribes to its type (a partner's endpoint only for orders assigned to that
 * partner). A record delivered twice finds its deliveries queued and queues nothing. Then the
 * lanes just queued are attempted at once, concurrently, within the inline budget: an attempt not
 * done by then is aborted (a timed-out attempt, retried by the sweeper), and endpoints already
 * failing are not attempted inline at all — so a slow or dead endpoint never holds up the stream,
 * nor another endpoint's deliveries.
 */
export async function fanOut(
  records: readonly DynamoDBRecord[],
  settings: DeliverySettings = deliverySettings(),
): Promise<StreamBatchOutcome> {
  const endpointsOf = new Map<string, Promise<EndpointRecord[]>>();
  const inline = new Map<string, DueEntry>();
  let failedAt: number | undefined;
  for (const [index, record] of records.entries()) {
    try {
      const event = fromStreamRecord(record);
      if (!event) continue;
      if (!endpointsOf.has(event.tenantid))
        endpointsOf.set(event.tenantid, listEndpointRecords(event.tenantid));
      const targets = await targetsOf(event, (await endpointsOf.get(event.tenantid)) ?? []);
      const message = orderEventMessage(event);
      await Promise.all(
        targets.map(async (endpoint) => {
          const due = await enqueue(event.tenantid, endpoint.id, message, new Date());
          if (due && !endpoint.failingSince) inline.set(`${endpoint.id}#${due.laneId}`, due);
        }),
      );
    } catch (error) {
      logger.error('webhook fan-out failed', {
        sequenceNumber: record.dynamodb?.SequenceNumber,
        error: error as Error,
      });
      failedAt = index;
      break;
    }
  }
  await attemptInline([...inline.values()], settings);
  return failedAt === undefined ? {} : { failedAt };
}

async function targetsOf(event: CloudEvent, endpoints: readonly EndpointRecord[]): Promise<EndpointRecord[]> {
  const type = webhookTypeOf(event.type);
  const subscribed = endpoints.filter((e) => e.enabled && matchesAny(type, e.eventTypes));
  if (!subscribed.some((e) => e.partnerId)) return subscribed;
  const partnerId = await partnerOf(event);
  return subscribed.filter((e) => !e.partnerId || e.partnerId === partnerId);
}

/** The partner the event's order is assigned to: in the event when it says, else on the order. */
async function partnerOf(event: CloudEvent): Promise<string | undefined> {
  if (typeof event.data.partnerId === 'string') return event.data.partnerId;
  const orderId = event.subject.replace(/^orders\//, '');
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: orderKey(event.tenantid, orderId),
      ProjectionExpression: 'partnerId',
    }),
  );
  return typeof Item?.partnerId === 'string' ? Item.partnerId : undefined;
}
