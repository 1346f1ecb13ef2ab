import { ROLES } from '../shared/auth/roles';
import { pick } from '../shared/http/common-responses';
import { defineOperation } from '../shared/http/operation';
import { EventPage, EventsQuery, EventTypeList } from './schemas';

const tag = 'Events';
/** An integration reads events with this scope, the feed and the catalogue alike. */
const scope = 'events:read';

export const listEvents = defineOperation({
  operationId: 'listEvents',
  method: 'GET',
  path: '/v1/events',
  summary: 'The tenant’s domain events, oldest first: a feed to poll with `after`',
  description:
    'Every committed change of the tenant’s orders as a CloudEvents 1.0 envelope (docs/events.md), kept for 30 days, so an integration that was down catches up without webhooks. ' +
    'Events are in commit order per order (`subject`; `data.seq` counts 1, 2, 3…); across orders, by time. ' +
    'Pass the page’s `nextCursor` as `after` to read on; it is always given, also when the page is empty, so a poller keeps its place. ' +
    'An event appears a few seconds after its commit (`EVENT_FEED_SETTLE_SECONDS`, default 5): events reach the feed through several stream shards a moment apart, and the wait keeps a cursor from passing an event still on its way. ' +
    'Delivery to a poller is at least once across retries of a page; de-duplicate by `id`. One Query per page.',
  tag,
  auth: { roles: ['admin', 'integration'], scope },
  query: EventsQuery,
  responses: { 200: { description: 'One page', schema: EventPage }, ...pick(400, 401, 403) },
});

export const listEventTypes = defineOperation({
  operationId: 'listEventTypes',
  method: 'GET',
  path: '/v1/event-types',
  summary: 'Every domain event type, what it means and the JSON Schema of its `data`',
  description:
    'The same catalogue the events are built from, for consumers of the feed, the event bus and webhooks. It holds no tenant data, so every role may read it.',
  tag,
  // The contract of the events every consumer reads, whoever builds the consumer.
  auth: { roles: ROLES, scope },
  responses: { 200: { description: 'The event types', schema: EventTypeList }, ...pick(401, 403) },
});
