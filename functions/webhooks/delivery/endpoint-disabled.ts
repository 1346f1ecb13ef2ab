import { eventBusName, putEntries } from '../../events/bus';
import { logger } from '../../shared/logger';
import { disableEndpoint } from '../endpoints/health';
import { type EndpointRecord, listEndpointRecords } from '../endpoints/store';
import { ENDPOINT_DISABLED, matchesAny } from '../event-types';
import { type EndpointDisabledNotice, endpointDisabledMessage } from './message';
import { enqueueItems } from './queue';

/**
 * Gives an endpoint up (it answered 410, or it has been failing for days) and says so: a
 * `webhook.endpoint_disabled` delivery to each of the tenant's other enabled endpoints subscribed
 * to it, queued in the same transaction as the disabling (so the notice is as durable as any
 * delivery), then the event on the EventBridge bus for rules and dashboards. The bus is best
 * effort after the commit: a failure there is logged, the notice deliveries stand.
 */
export const DISABLED_BUS_SOURCE = 'orderly.webhooks';

export async function giveUpEndpoint(
  record: EndpointRecord,
  reason: 'gone' | 'failing',
  now: Date,
): Promise<void> {
  const notice: EndpointDisabledNotice = {
    endpointId: record.id,
    url: record.url,
    reason,
    disabledAt: now.toISOString(),
    ...(record.failingSince ? { failingSince: record.failingSince } : {}),
  };
  const message = endpointDisabledMessage(notice);
  // Partner endpoints hear only of their partner's orders.
  const subscribers = (await listEndpointRecords(record.tenantId)).filter(
    (other) =>
      other.id !== record.id &&
      other.enabled &&
      !other.partnerId &&
      matchesAny(ENDPOINT_DISABLED, other.eventTypes),
  );
  const notices = subscribers.flatMap((other) => enqueueItems(record.tenantId, other.id, message, now).items);
  // Another worker reached the same verdict first: its notices and its event are the ones that stand.
  if (!(await disableEndpoint(record, reason, now, notices))) return;
  logger.warn('webhook endpoint disabled', { endpointId: record.id, reason });
  await publishDisabled(record.tenantId, message.webhookId, notice);
}

async function publishDisabled(tenantId: string, id: string, notice: EndpointDisabledNotice): Promise<void> {
  try {
    const event = {
      specversion: '1.0',
      id,
      source: '/orderly/webhooks',
      type: `orderly.${ENDPOINT_DISABLED}`,
      subject: `webhooks/endpoints/${notice.endpointId}`,
      time: notice.disabledAt,
      datacontenttype: 'application/json',
      tenantid: tenantId,
      data: notice,
    };
    const failed = await putEntries([
      {
        EventBusName: eventBusName(),
        Source: DISABLED_BUS_SOURCE,
        DetailType: event.type,
        Detail: JSON.stringify(event),
        Time: new Date(notice.disabledAt),
      },
    ]);
    if (failed.length)
      logger.error('endpoint disabled event not published', { endpointId: notice.endpointId });
  } catch (error) {
    logger.error('endpoint disabled event not published', {
      endpointId: notice.endpointId,
      error: error as Error,
    });
  }
}
