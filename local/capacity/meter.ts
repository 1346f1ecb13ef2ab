import {
  type AttributeValue,
  DynamoDBClient as Client,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import type { TableAccess } from '../../functions/manifest';
import { tables } from '../../functions/shared/db/tables';
import { type Item, itemSize, readUnits, type TableShape, writeUnits } from './units';

/**
 * Benchmark instrumentation: the capacity units each DynamoDB request of a function costs in
 * AWS, from the real items it touched. A write's cost depends on the item before and after it,
 * so the meter reads each written item (consistently) before and after the request with a
 * separate client; a read's cost depends on the whole items read, not on the attributes
 * projected or the items a filter kept, so the meter reads them whole. These extra reads slow
 * the requests they measure: benchmarks meter a separate, serial phase, never the timed one.
 */
export interface CapacityRecord {
  readUnits: number;
  writeUnits: number;
  /** DynamoDB Local's own ConsumedCapacity for the request, for comparison only. */
  localUnits: number;
  /** Time the meter's own reads took, not part of the request's duration. */
  meterMs: number;
}

/** Where the units of one request are left for the observer of the same request (see local-iam.ts). */
export const CAPACITY = Symbol('orderly.capacity');
/** Where the request as sent (marshalled) is left, when requests are recorded. */
export const RECORDED_INPUT = Symbol('orderly.recordedInput');

/** Keeps a copy of each request as DynamoDB receives it, for benchmarks that replay a function's requests. */
export function recordRequests(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (context as Record<symbol, unknown>)[RECORDED_INPUT] = structuredClone(args.input);
      return next(args);
    },
    { step: 'build', name: 'orderlyRequestRecorder', override: true },
  );
}

// biome-ignore lint/suspicious/noExplicitAny: requests of every DynamoDB command pass through here.
type Input = Record<string, any>;

export function meterCapacity(client: DynamoDBClient, tableIds: Record<string, keyof TableAccess>): void {
  const raw = new Client({});
  const shapeOf = (tableName: string): TableShape => {
    const definition = tables.find((t) => t.id === tableIds[tableName]);
    if (!definition) throw new Error(`No definition for table ${tableName}`);
    return definition;
  };
  const keyOf = (tableName: string, item: Item): Item => {
    const shape = shapeOf(tableName);
    const key: Item = { [shape.partitionKey]: item[shape.partitionKey] as AttributeValue };
    if (shape.sortKey) key[shape.sortKey] = item[shape.sortKey] as AttributeValue;
    return key;
  };
  const read = async (tableName: string, key: Item): Promise<Item | undefined> =>
    (await raw.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

  // Asked before the request is serialised, so that Local's own figure can be shown beside ours.
  client.middlewareStack.add(
    (next) => async (args) => {
      (args.input as Input).ReturnConsumedCapacity = 'TOTAL';
      return next(args);
    },
    { step: 'initialize', name: 'orderlyLocalConsumedCapacity', override: true },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? '').replace(/Command$/, '');
      const input = args.input as Input;
      const writes = writtenItems(command, input, keyOf);
      let meterMs = 0;
      const timed = async <T>(work: () => Promise<T>): Promise<T> => {
        const started = performance.now();
        try {
          return await work();
        } finally {
          meterMs += performance.now() - started;
        }
      };
      const before = await timed(() => Promise.all(writes.map((w) => read(w.table, w.key))));
      let failed = false;
      let result: Awaited<ReturnType<typeof next>> | undefined;
      try {
        result = await next(args);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        const output = (result?.output ?? {}) as Input;
        let write = 0;
        if (writes.length) {
          const after = failed
            ? before
            : await timed(() => Promise.all(writes.map((w) => read(w.table, w.key))));
          writes.forEach((w, i) => {
            const shape = shapeOf(w.table);
            const transactional = command === 'TransactWriteItems';
            if (w.kind === 'ConditionCheck' || failed) {
              // A refused condition still costs the item's size; a check writes no index.
              write += writeUnits({ ...shape, indexes: [] }, before[i], before[i], { transactional }).total;
            } else write += writeUnits(shape, before[i], after[i], { transactional }).total;
          });
        }
        const reads = failed ? 0 : await timed(() => readCost(raw, command, input, output));
        const consumed = output.ConsumedCapacity;
        const local = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
          (sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0),
          0,
        );
        (context as Record<symbol, unknown>)[CAPACITY] = {
          readUnits: reads,
          writeUnits: write,
          localUnits: local,
          meterMs,
        } satisfies CapacityRecord;
      }
      return result;
    },
    { step: 'build', name: 'orderlyCapacityMeter', override: true },
  );
}

interface Written {
  table: string;
  key: Item;
  kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
}

function writtenItems(command: string, input: Input, keyOf: (table: string, item: Item) => Item): Written[] {
  switch (command) {
    case 'PutItem':
      return [{ table: input.TableName, key: keyOf(input.TableName, input.Item), kind: 'Put' }];
    case 'UpdateItem':
      return [{ table: input.TableName, key: input.Key, kind: 'Update' }];
    case 'DeleteItem':
      return [{ table: input.TableName, key: input.Key, kind: 'Delete' }];
    case 'TransactWriteItems':
      return (input.TransactItems as Input[]).map((entry) => {
        const [kind, body] = Object.entries(entry)[0] as [Written['kind'], Input];
        const key = kind === 'Put' ? keyOf(body.TableName, body.Item) : body.Key;
        return { table: body.TableName, key, kind };
      });
    case 'BatchWriteItem':
      return Object.entries(input.RequestItems as Record<string, Input[]>).flatMap(([table, requests]) =>
        requests.map(
          (r): Written =>
            r.PutRequest
              ? { table, key: keyOf(table, r.PutRequest.Item), kind: 'Put' }
              : { table, key: r.DeleteRequest.Key, kind: 'Delete' },
        ),
      );
    default:
      return [];
  }
}

async function readCost(raw: DynamoDBClient, command: string, input: Input, output: Input): Promise<number> {
  const whole = async (table: string, key: Item) =>
    itemSize((await raw.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item);
  switch (command) {
    case 'GetItem':
      return readUnits(await whole(input.TableName, input.Key), input.ConsistentRead ? 'strong' : 'eventual');
    case 'BatchGetItem': {
      let units = 0;
      for (const [table, request] of Object.entries(input.RequestItems as Record<string, Input>)) {
        for (const key of request.Keys as Item[])
          units += readUnits(await whole(table, key), request.ConsistentRead ? 'strong' : 'eventual');
      }
      return units;
    }
    case 'TransactGetItems': {
      let units = 0;
      for (const { Get } of input.TransactItems as Input[])
        units += readUnits(await whole(Get.TableName, Get.Key), 'transactional');
      return units;
    }
    case 'Query': {
      // The items the query read, whole and before any filter: the same key condition and page.
      const used = `${input.KeyConditionExpression ?? ''}`;
      const names = pick(input.ExpressionAttributeNames as Record<string, string> | undefined, used);
      const values = pick(input.ExpressionAttributeValues as Item | undefined, used);
      const page = await raw.send(
        new QueryCommand({
          TableName: input.TableName,
          IndexName: input.IndexName,
          KeyConditionExpression: input.KeyConditionExpression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ExclusiveStartKey: input.ExclusiveStartKey,
          Limit: input.Limit,
          ScanIndexForward: input.ScanIndexForward,
          ConsistentRead: input.ConsistentRead,
        }),
      );
      const bytes = (page.Items ?? []).reduce((sum, item) => sum + itemSize(item), 0);
      return readUnits(bytes, input.ConsistentRead ? 'strong' : 'eventual');
    }
    default: {
      // Scan and others: what came back is the best this meter knows.
      const items = (output.Items ?? []) as Item[];
      return readUnits(
        items.reduce((sum, item) => sum + itemSize(item), 0),
        input.ConsistentRead ? 'strong' : 'eventual',
      );
    }
  }
}

/** The expression names or values that `expression` uses (DynamoDB refuses unused ones). */
function pick<T>(map: Record<string, T> | undefined, expression: string): Record<string, T> | undefined {
  if (!map) return undefined;
  const used = Object.entries(map).filter(([token]) =>
    new RegExp(`${escapeRegExp(token)}(?![\\w])`).test(expression),
  );
  return used.length ? Object.fromEntries(used) : undefined;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
