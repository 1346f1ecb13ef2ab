import { eachRecord, streamHandler } from '../shared/stream/handler';
import { fromStreamRecord } from './envelope';
import { projectEvent } from './feed-store';

/**
 * ProjectEventFeed — every committed timeline event into its tenant's pull feed (`GET /v1/events`),
 * one conditional PutItem each, in stream order. Idempotent by the event's id: a record delivered
 * again finds its event in the feed. A record that is no domain event (a producer wrote a type the
 * catalogue lacks) fails, is retried and then dead-lettered, and the records behind it wait meanwhile.
 */
export const handler = streamHandler(
  'projectEventFeed',
  eachRecord(async (record) => {
    const event = fromStreamRecord(record);
    if (event) await projectEvent(event);
  }),
);
