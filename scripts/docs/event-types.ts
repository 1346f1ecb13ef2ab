import { BASE_DATA } from '../../functions/events/catalogue';
import { toDomainEvent } from '../../functions/events/envelope';
import { eventTypeDescriptions } from '../../functions/events/type-descriptions';

/**
 * docs/events.md, generated from the event catalogue (functions/events/catalogue.ts): the
 * envelope, where events go, and each type with the fields of its `data`. A test keeps the file
 * equal to what the catalogue says, so a change of an event's contract shows in review.
 */
type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  anyOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
};

/** An example built by the envelope itself from a timeline item, so it cannot drift from the code. */
const EXAMPLE = toDomainEvent({
  tenantId: 'acme',
  orderId: '01JQ6Z8X7W5V4T3S2R1Q0P9N8M',
  seq: 7,
  type: 'SHIPPED',
  status: 'SHIPPED',
  at: '2026-03-02T14:05:09.120Z',
  actor: { type: 'partner', id: 'parcel-partner' },
  details: { carrier: 'DHL', trackingNumber: 'JD014600006281230704' },
});

const isBase = (name: string) => Object.hasOwn(BASE_DATA, name);
const FIELDS_HEADER = ['| Field of `data` | Type | Required | Meaning |', '| --- | --- | :-: | --- |'];

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(schema: Schema): string {
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(', ');
  if (schema.type === 'array') return `array of ${schema.items ? typeOf(schema.items) : 'any'}`;
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
  return schema.format ? `${type} (${schema.format})` : type;
}

/** One row per field, nested objects and arrays of objects flattened into dotted paths. */
function fieldRows(schema: Schema, prefix = '', keep = (_name: string) => true): string[] {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).filter(([name]) => keep(name));
  return fields.flatMap(([name, field]) => {
    const path = `${prefix}${name}`;
    const object = field.type === 'object' ? field : field.items?.type === 'object' ? field.items : undefined;
    const row = `| \`${path}\` | ${cell(object ? (field.type === 'array' ? 'array of objects' : 'object') : typeOf(field))} | ${required.has(name) ? 'yes' : ''} | ${cell(field.description ?? '')} |`;
    return object ? [row, ...fieldRows(object, field.type === 'array' ? `${path}[].` : `${path}.`)] : [row];
  });
}

export function eventsMarkdown(): string {
  const types = eventTypeDescriptions();
  const sections = types.flatMap(({ type, timelineType, description, dataSchema }) => [
    `### \`${type}\``,
    '',
    `${description} Timeline type: \`${timelineType}\`.`,
    '',
    ...FIELDS_HEADER,
    ...fieldRows(dataSchema as Schema, '', (name) => !isBase(name)),
    '',
  ]);
  const base = fieldRows((types[0]?.dataSchema ?? {}) as Schema, '', isBase);
  return [
    '# Domain events',
    '',
    'Generated from the event catalogue (`functions/events/catalogue.ts`) by `npm run docs:events`; a test fails',
    'when it is out of date. `GET /v1/event-types` serves the same catalogue with each type’s `data` as JSON Schema.',
    '',
    'Every change of an order is committed together with its timeline event (the outbox), and every committed',
    'timeline event becomes one domain event: the table’s stream carries it to the consumers below, so an event',
    'exists if and only if its change was committed. Imported history (`POST /v1/orders/history`) is the one',
    'exception: its timeline items carry `imported: true`, with the dates of long ago, and the consumers’ stream',
    'filters leave them out — they start no workflow and are published nowhere.',
    '',
    '## The envelope',
    '',
    'CloudEvents 1.0 attributes, plus `tenantid`:',
    '',
    '```json',
    JSON.stringify(EXAMPLE, null, 2),
    '```',
    '',
    '- `id` is `<orderId>.<seq>` (six digits): the same for every delivery of the event, by every channel.',
    '  **De-duplicate by `id`**: delivery is at least once.',
    '- `subject` is the order (`orders/<orderId>`); `data.seq` counts its events 1, 2, 3… in commit order.',
    '- `time` is when the change was made (the committing function’s clock); `data.status` is the order’s status',
    '  after it.',
    '- `data` holds the order, the sequence number, the status and the actor, and the fields of the type (below).',
    '  New optional fields may be added to a type without a new type: ignore fields you do not know.',
    '- Events are built from the timeline event alone, never from the order item, so nothing the API does not',
    '  show (such as the workflow’s task tokens) is ever in one.',
    '',
    '## Where they go',
    '',
    '**The pull feed**, `GET /v1/events?after=<cursor>&type=<type>&limit=<1–100>` (roles `admin` and `integration`',
    'with the scope `events:read`): the tenant’s events of the last 30 days (TTL deletes them some time after), so',
    'an integration that was down catches up without webhooks. Each page is one DynamoDB Query; `nextCursor` is',
    'always given, the position after the page’s last event (or the same position when the page is empty), so',
    'a poller keeps its place. The cursor is a position in the tenant’s feed: it serves the whole feed and any',
    '`type` alike. Events are in commit order per order and by time across orders. An event shows once it is',
    'older than a settle window (`EVENT_FEED_SETTLE_SECONDS`, default 5): events reach the feed through several',
    'stream shards, projected by separate consumers a moment apart, and an event of one order may land just after',
    'a later event of another; were that later one already shown, a cursor would have passed the place where the',
    'first lands. The window keeps every cursor behind the events still on their way. An event held up longer',
    'than the window (a consumer retrying a failing batch) still lands in its place by time, where only a poller',
    'whose cursor is not yet past it sees it; the bus carries it whenever it comes. Reading a page again from the',
    'same cursor gives the same events: de-duplicate by `id`.',
    '',
    '**The EventBridge bus** (`EVENT_BUS_NAME`): each event as an entry with `Source` `orderly.orders`,',
    '`DetailType` the event’s `type` and `Detail` the whole envelope, so rules match on `detail.tenantid`,',
    '`detail.data.status`, …. The publisher sends the stream’s records in order, in PutEvents requests of up to',
    '10 entries; entries EventBridge fails are sent again with back-off, and if some still fail the stream batch',
    'is retried from the first record that did not go (nothing after it is sent first). Entries of that request',
    'that did go are sent again with it: at least once, de-duplicate by `id`. EventBridge does not keep order',
    'between events on their way to targets; order events of one order by `data.seq`.',
    '',
    'A timeline event whose type the catalogue lacks is a bug: its record fails in both consumers, is retried and',
    'then goes to the dead-letter queue, and a test keeps every type the code writes in the catalogue.',
    '',
    '## Types',
    '',
    '| Type | Timeline type | Meaning |',
    '| --- | --- | --- |',
    ...types.map(
      ({ type, timelineType, description }) => `| \`${type}\` | \`${timelineType}\` | ${cell(description)} |`,
    ),
    '',
    '## Data by type',
    '',
    'Every event’s `data` has these fields, from the timeline event itself:',
    '',
    ...FIELDS_HEADER,
    ...base,
    '',
    'and those of its type:',
    '',
    ...sections,
  ].join('\n');
}
