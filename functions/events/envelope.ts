import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod';
import { ORDER_EVENT_ENTITY } from '../orders/keys';
import { CATALOGUE, isTimelineType } from './catalogue';
import { type CloudEvent, EVENT_SOURCE, SPEC_VERSION } from './cloud-event';

/**
 * One envelope for every domain event, with CloudEvents 1.0 attributes. It is built from the
 * timeline event item alone — the fields listed in `TimelineItem`, nothing else of the item — and
 * never from the order item, which holds the workflow's parked task tokens.
 *
 * The id is deterministic (`<orderId>.<seq, 6 digits>`): every consumer (the feed, the bus, webhooks)
 * gives the same event the same id, however often the stream delivers it, so subscribers
 * de-duplicate by it.
 */
export type { CloudEvent };

/** What the envelope reads of a timeline item (functions/orders/store.ts `eventItem`); the rest is ignored. */
const TimelineItem = z.object({
  tenantId: z.string().min(1),
  orderId: z.string().min(1),
  seq: z.number().int().min(1),
  type: z.string(),
  status: z.string(),
  at: z.iso.datetime(),
  actor: z.unknown(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** A timeline item that cannot become a domain event: a bug in its producer, never a transient failure. */
export class UndeclaredEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndeclaredEventError';
  }
}

export const eventId = (orderId: string, seq: number) => `${orderId}.${String(seq).padStart(6, '0')}`;

export function toDomainEvent(item: Record<string, unknown>): CloudEvent {
  const timeline = parsed(TimelineItem, item, 'a timeline event');
  const { tenantId, orderId, seq, type, status, at, actor, details } = timeline;
  if (!isTimelineType(type))
    throw new UndeclaredEventError(
      `Timeline type ${type} is not in the event catalogue (functions/events/catalogue.ts)`,
    );
  const entry = CATALOGUE[type];
  // The item's own fields last: a detail can never pass for the order, sequence, status or actor.
  const data = parsed(entry.data, { ...details, orderId, seq, status, actor }, `the data of ${type}`);
  return {
    specversion: SPEC_VERSION,
    id: eventId(orderId, seq),
    source: EVENT_SOURCE,
    type: entry.type,
    subject: `orders/${orderId}`,
    time: at,
    datacontenttype: 'application/json',
    tenantid: tenantId,
    data,
  };
}

/**
 * The domain event a stream record carries: the new image of an inserted timeline event. Other
 * records (updates, deletes, other items) carry none: consumers' filters keep them out, and a
 * consumer that got one anyway has nothing to do with it.
 */
export function fromStreamRecord(record: DynamoDBRecord): CloudEvent | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (item.entity !== ORDER_EVENT_ENTITY) return undefined;
  return toDomainEvent(item);
}

/** Names where the item is wrong, never what it holds (details carry people's text). */
function parsed<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const where = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`);
  throw new UndeclaredEventError(`${what} does not match the event catalogue: ${where.join('; ')}`);
}
