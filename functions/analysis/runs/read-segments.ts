import { type AttributeValue, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { dynamodb } from '../../shared/db/client';

/**
 * The run's one way of reading many items: a partition (of the table or of an index) cut into
 * time segments that are Queried side by side, each page handed to a fold as it arrives and then
 * dropped. Memory holds the pages in flight (at most `concurrency` × 1 MB, DynamoDB's page size),
 * never a partition.
 *
 * How a partition is cut: its first and last sort keys (one Query of one item each way), then
 * equal spans of time between them, as many as the expected item count asks for (at most
 * MAX_SEGMENTS). Every sort key the run reads begins with a time (a ULID, or an ISO instant then
 * `#<id>`), and each cut is a key that no item can have — the ten time characters of a ULID, or a
 * bare instant — so `BETWEEN` on both sides of a cut never reads an item twice nor misses one.
 * Items written after the probes beyond the last key are not read: a run reads a snapshot of what
 * was there when it started.
 *
 * Items come raw (DynamoDB's AttributeValue maps, read with the helpers below): the document
 * client's unmarshalling of whole items would cost more CPU than the folds themselves, and the
 * folds read a few attributes of each (ProjectionExpression leaves the rest on the server; read
 * units are billed on whole items all the same).
 */
export type RawItem = Record<string, AttributeValue>;

export interface PartitionRead {
  /** What the items are, for the run's `inputs.reads`: `needs`, `orders`, `customers`, `products`. */
  source: string;
  tableName: string;
  indexName?: string;
  partitionKey: { name: string; value: string };
  sortKey: string;
  /** The time (epoch ms) a sort key begins with, and a key that sorts before every item of that time. */
  timeOf(sortKey: string): number;
  cutAt(ms: number): string;
  /** Attributes the fold reads (each behind a placeholder: DynamoDB reserves words such as `lines`). */
  attributes: readonly string[];
  /** Items the partition is expected to hold (from the aggregates); undefined when unknown. */
  expected?: number;
}

/** Items per segment aimed at: a segment is a few seconds of reading, so many run side by side. */
export const ITEMS_PER_SEGMENT = 20_000;
export const MAX_SEGMENTS = 32;
/** Segments when the count is unknown (customers, products): a handful, cheap when small. */
const UNKNOWN_SEGMENTS = 4;

export interface ReadCounter {
  items: number;
  /** DynamoDB's ConsumedCapacity of the reads: in AWS its own count by its billing rules. */
  readUnits: number;
}

/** A range of one partition: the sort keys from `low` to `high`, both inclusive. */
export interface Segment {
  read: PartitionRead;
  low: string;
  high: string;
}

/** How many equal spans of time to cut a partition of `expected` items into. */
export function segmentCount(expected: number | undefined): number {
  if (expected === undefined) return UNKNOWN_SEGMENTS;
  return Math.min(MAX_SEGMENTS, Math.max(1, Math.ceil(expected / ITEMS_PER_SEGMENT)));
}

/**
 * The segments of a partition whose first and last sort keys are `first` and `last`: `count`
 * equal spans of time, fewer when the span is too short to cut (every cut must lie strictly
 * between the two keys, or a segment would be empty or inverted).
 */
export function cutSegments(read: PartitionRead, first: string, last: string, count: number): Segment[] {
  const from = read.timeOf(first);
  const to = read.timeOf(last);
  const cuts: string[] = [];
  for (let i = 1; i < count; i++) {
    const cut = read.cutAt(from + Math.floor(((to - from) * i) / count));
    if (cut > first && cut < last && cut !== cuts.at(-1)) cuts.push(cut);
  }
  const bounds = [first, ...cuts, last];
  return bounds.slice(0, -1).map((low, i) => ({ read, low, high: bounds[i + 1] as string }));
}

const query = (read: PartitionRead, extra: Partial<QueryCommandInput>) =>
  dynamodb.send(
    new QueryCommand({
      TableName: read.tableName,
      ...(read.indexName ? { IndexName: read.indexName } : {}),
      ReturnConsumedCapacity: 'TOTAL',
      ...extra,
    } as QueryCommandInput),
  );

/** The first or last sort key of the partition (one Query of one item), or undefined when it is empty. */
async function edgeKey(
  read: PartitionRead,
  forward: boolean,
  counter: ReadCounter,
): Promise<string | undefined> {
  const out = await query(read, {
    KeyConditionExpression: '#p = :p',
    ExpressionAttributeNames: { '#p': read.partitionKey.name, '#s': read.sortKey },
    ExpressionAttributeValues: { ':p': { S: read.partitionKey.value } },
    ProjectionExpression: '#s',
    ScanIndexForward: forward,
    Limit: 1,
  });
  counter.readUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
  return out.Items?.[0]?.[read.sortKey]?.S;
}

/** The partition's segments, after its two probes; none when it is empty. */
export async function planSegments(read: PartitionRead, counter: ReadCounter): Promise<Segment[]> {
  const [first, last] = await Promise.all([edgeKey(read, true, counter), edgeKey(read, false, counter)]);
  if (first === undefined || last === undefined) return [];
  return cutSegments(read, first, last, segmentCount(read.expected));
}

/** Reads one segment page by page, handing each page to `onPage` before asking for the next. */
export async function readSegment(
  segment: Segment,
  onPage: (items: RawItem[]) => void,
  counter: ReadCounter,
): Promise<void> {
  const { read } = segment;
  let start: RawItem | undefined;
  do {
    const out = await query(read, {
      KeyConditionExpression: '#p = :p AND #s BETWEEN :low AND :high',
      ExpressionAttributeNames: {
        '#p': read.partitionKey.name,
        '#s': read.sortKey,
        ...Object.fromEntries(read.attributes.map((name, i) => [`#a${i}`, name])),
      },
      ExpressionAttributeValues: {
        ':p': { S: read.partitionKey.value },
        ':low': { S: segment.low },
        ':high': { S: segment.high },
      },
      ProjectionExpression: read.attributes.map((_, i) => `#a${i}`).join(', '),
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    const items = out.Items ?? [];
    counter.items += items.length;
    counter.readUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
    onPage(items);
    start = out.LastEvaluatedKey;
  } while (start);
}

/**
 * Runs `tasks` with at most `concurrency` at once, in order of the list; the first failure stops
 * the others from starting and is thrown once those running have ended.
 */
export async function eachLimited<T>(
  tasks: readonly T[],
  concurrency: number,
  run: (task: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < tasks.length && !failure) {
      const task = tasks[next++] as T;
      try {
        await run(task);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  if (failure) throw failure.error;
}

// Attribute readers for raw items: a missing or differently typed attribute reads as undefined.
export const str = (item: RawItem | undefined, name: string): string | undefined => item?.[name]?.S;
export const num = (item: RawItem | undefined, name: string): number | undefined => {
  const value = item?.[name]?.N;
  return value === undefined ? undefined : Number(value);
};
export const map = (item: RawItem | undefined, name: string): RawItem | undefined => item?.[name]?.M;
export const list = (item: RawItem | undefined, name: string): AttributeValue[] | undefined =>
  item?.[name]?.L;
