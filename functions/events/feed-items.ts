import { requiredEnv } from '../shared/db/client';
import { tenantKey } from '../shared/db/keys';
import type { CloudEvent } from './cloud-event';

/**
 * The events table (the pull feed): one item per domain event in the tenant's feed partition,
 * sorted by `<time>#<event id>`. Per order, time grows with the sequence number (each change is
 * decided on the committed one before it, and two in the same millisecond sort by the id's
 * sequence), so the feed is in commit order per subject. The sort key is a function of the event
 * alone, so projecting an event twice finds its item there.
 */
export const eventsTableName = () => requiredEnv('EVENTS_TABLE_NAME');

/** How long the feed keeps an event; DynamoDB's TTL deletes it some time after. */
export const FEED_RETENTION_SECONDS = 30 * 86_400;

/**
 * One partition per tenant takes every event of the tenant: ample for hundreds of events a second;
 * a tenant heading for DynamoDB's 1,000 writes a second per partition would need it sharded.
 */
export const feedPartition = (tenantId: string) => `${tenantKey(tenantId)}#EVENTS`;
export const typePartition = (tenantId: string, type: string) => `${feedPartition(tenantId)}#${type}`;

/** An event's place in the feed; times in one ISO form, so that text order is time order. */
export const feedPosition = (event: Pick<CloudEvent, 'time' | 'id'>) =>
  `${new Date(event.time).toISOString()}#${event.id}`;

export function feedItem(event: CloudEvent) {
  return {
    pk: feedPartition(event.tenantid),
    sk: feedPosition(event),
    typePk: typePartition(event.tenantid, event.type),
    expiresAt: Math.floor(Date.parse(event.time) / 1000) + FEED_RETENTION_SECONDS,
    // As text: the envelope comes back exactly as it was built (a DynamoDB map keeps no key order).
    event: JSON.stringify(event),
  };
}
