import * as z from 'zod';
import { ListQuery } from '../shared/schemas';
import { CATALOGUE, CLOUD_EVENT_TYPES, TIMELINE_TYPES } from './catalogue';
import { EVENT_SOURCE, SPEC_VERSION } from './cloud-event';

/** The API's schemas of the events routes; the envelope and its `data` per type come from the catalogue. */
const envelopeOf = (entry: (typeof CATALOGUE)[keyof typeof CATALOGUE]) =>
  z
    .object({
      specversion: z.literal(SPEC_VERSION),
      id: z.string().describe('`<orderId>.<seq, 6 digits>`: the same for every delivery of this event'),
      source: z.literal(EVENT_SOURCE),
      type: z.literal(entry.type),
      subject: z.string().describe('`orders/<orderId>`'),
      time: z.iso.datetime().describe('When the change was committed'),
      datacontenttype: z.literal('application/json'),
      tenantid: z.string(),
      data: entry.data,
    })
    .describe(entry.description);

export const CloudEventSchema = z
  .discriminatedUnion(
    'type',
    TIMELINE_TYPES.map((type) => envelopeOf(CATALOGUE[type])) as unknown as [
      ReturnType<typeof envelopeOf>,
      ...ReturnType<typeof envelopeOf>[],
    ],
  )
  .describe('A domain event: CloudEvents 1.0 attributes plus `tenantid`; `data` per `type`');

export const EventsQuery = z.strictObject({
  after: z
    .string()
    .max(2048)
    .optional()
    .describe('The `nextCursor` of the previous page; absent: from the oldest event kept'),
  type: z.enum(CLOUD_EVENT_TYPES).optional().describe('Only events of this type'),
  limit: ListQuery.shape.limit,
});
export type EventsQuery = z.infer<typeof EventsQuery>;

export const EventPage = z.strictObject({
  items: z.array(CloudEventSchema),
  nextCursor: z
    .string()
    .describe(
      'Always present: the position after the last event returned (the same position when none was). Poll again with it as `after`',
    ),
});

export const EventTypeList = z.strictObject({
  items: z.array(
    z.strictObject({
      type: z.enum(CLOUD_EVENT_TYPES),
      timelineType: z.string().describe('The same event’s `type` on the order timeline'),
      description: z.string(),
      dataSchema: z
        .record(z.string(), z.unknown())
        .describe('JSON Schema (2020-12) of `data`; fields may be added, so ignore those you do not know'),
    }),
  ),
});
