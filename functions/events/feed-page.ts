import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/db/client';
import { decodeCursor, encodeCursor } from '../shared/db/cursor';
import { ValidationError } from '../shared/http/errors';
import type { CloudEvent } from './cloud-event';
import { eventsTableName, feedPartition, typePartition } from './feed-items';
import type { EventsQuery } from './schemas';

const LIST = 'events';
/** Sorts before every event (their positions start with a year): the feed read from its oldest event. */
const START = '0';
export const DEFAULT_SETTLE_SECONDS = 5;

/**
 * How old an event must be before the feed shows it. Events reach the feed through the stream,
 * whose shards are projected by separate consumers a moment apart: an event of one order may land
 * a little after a later event of another order. Were that later event already shown, a poller's
 * cursor would have passed the place where the first one lands, and it would never see it. Showing
 * only events older than this window keeps every cursor behind the events still on their way.
 */
export function settleSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.EVENT_FEED_SETTLE_SECONDS;
  const seconds = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_SETTLE_SECONDS;
}

/**
 * One page of a tenant's feed after a position, oldest first, in one Query (of the table, or of the
 * `eventsByType` index for one type). The cursor is a position in the tenant's feed, so a cursor of
 * the whole feed also serves a read of one type and back. The next cursor is always given: the
 * position after the last event returned, or the same position when none was.
 */
export async function feedPage(
  tenantId: string,
  query: EventsQuery,
  now: Date,
): Promise<{ items: CloudEvent[]; nextCursor: string }> {
  const pk = feedPartition(tenantId);
  const after = await positionOf(query.after, pk);
  const until = new Date(now.getTime() - settleSeconds() * 1000).toISOString();
  // Nothing after this position is old enough yet (and DynamoDB refuses a start key outside the range).
  if (after >= until) return { items: [], nextCursor: await cursorAt(pk, after) };
  const byType = query.type !== undefined;
  const partition = byType ? { typePk: typePartition(tenantId, query.type as string) } : { pk };
  const [attribute, value] = Object.entries(partition)[0] as [string, string];
  const result = await documentClient.send(
    new QueryCommand({
      TableName: eventsTableName(),
      ...(byType ? { IndexName: 'eventsByType' } : {}),
      KeyConditionExpression: '#p = :p AND sk < :until',
      ExpressionAttributeNames: { '#p': attribute, '#event': 'event' },
      ExpressionAttributeValues: { ':p': value, ':until': until },
      ProjectionExpression: 'sk, #event',
      ...(after === START ? {} : { ExclusiveStartKey: { pk, sk: after, ...partition } }),
      Limit: query.limit,
    }),
  );
  const items = result.Items ?? [];
  return {
    items: items.map((item) => JSON.parse(item.event as string) as CloudEvent),
    nextCursor: await cursorAt(pk, (items.at(-1)?.sk as string | undefined) ?? after),
  };
}

const cursorAt = async (pk: string, sk: string) => (await encodeCursor(LIST, { pk, sk })) as string;

async function positionOf(after: string | undefined, pk: string): Promise<string> {
  try {
    const key = await decodeCursor(after, LIST, { attribute: 'pk', value: pk }, ['pk', 'sk']);
    return (key?.sk as string | undefined) ?? START;
  } catch (error) {
    // The cursor checks name the list's usual parameter; this feed's is `after`.
    if (error instanceof ValidationError)
      throw new ValidationError([{ field: 'query.after', message: 'is not a cursor of this feed' }]);
    throw error;
  }
}
