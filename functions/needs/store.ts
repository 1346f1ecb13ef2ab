import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../shared/db/client';
import { decodeCursor, encodeCursor } from '../shared/db/cursor';
import type { TransactItem } from '../shared/db/transact-item';
import { writeItems } from '../shared/db/write-items';
import { NotFoundError } from '../shared/http/errors';
import { indexEntries, indexKeys } from './index-entries';
import {
  changeSortKey,
  changesPartition,
  HISTORY_PREFIX,
  historyKey,
  NEED_CHANGE_ENTITY,
  NEED_HISTORY_ENTITY,
  needKey,
} from './keys';
import type { NeedStatus } from './lifecycle';
import { needItem, toNeed } from './records';
import type { Actor, HistoryRecord, Need } from './schemas';

/** One status step of a change: `from` absent for the need's creation. */
export interface StatusStep {
  from?: NeedStatus;
  to: NeedStatus;
  reason?: string;
  orderId?: string;
}

/**
 * Everything one change of a need writes, all or nothing: the need (guarded: new, or still the
 * version `before` was read at), `also` (its `externalRef`'s uniqueness item, the request's
 * idempotency record), a history record per status step and a tenant-wide change entry per
 * transition, and its index entries (each rewritten, those whose key changed moved).
 */
export interface NeedWrite {
  tenantId: string;
  /** The need as read; absent when this creates it. */
  before?: Need;
  after: Need;
  steps: readonly StatusStep[];
  actor: Actor;
  at: string;
  also?: readonly TransactItem[];
}

/**
 * TransactWriteItems takes 100 items; a need's write is at most 57: the need, 2 `also`, 2 history
 * records and 2 change entries, 25 index entries and 25 moved.
 */
const MAX_TRANSACTION_ITEMS = 100;

export function needWriteItems(w: NeedWrite): TransactItem[] {
  const table = domainTableName();
  const { tenantId, before, after } = w;
  const needPut: TransactItem = {
    Put: {
      TableName: table,
      Item: needItem(tenantId, after),
      ...(before
        ? {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': before.version },
          }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  };
  const history = w.steps.map(
    (step, n): TransactItem => ({
      Put: {
        TableName: table,
        Item: {
          ...historyKey(tenantId, after.id, after.version, n),
          entity: NEED_HISTORY_ENTITY,
          tenantId,
          needId: after.id,
          version: after.version,
          ...recordOf(step, w.actor, w.at),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }),
  );
  const changes = w.steps.flatMap((step, n): TransactItem[] =>
    step.from === undefined
      ? []
      : [
          {
            Put: {
              TableName: table,
              Item: {
                pk: changesPartition(tenantId),
                sk: changeSortKey(w.at, after.id, after.version, n),
                entity: NEED_CHANGE_ENTITY,
                tenantId,
                needId: after.id,
                customerId: after.customerId,
                ...recordOf(step, w.actor, w.at),
              },
            },
          },
        ],
  );
  const kept = new Set(indexKeys(tenantId, after).map((key) => `${key.pk}\n${key.sk}`));
  const moved = before ? indexKeys(tenantId, before).filter((key) => !kept.has(`${key.pk}\n${key.sk}`)) : [];
  const items: TransactItem[] = [
    needPut,
    ...(w.also ?? []),
    ...history,
    ...changes,
    ...indexEntries(tenantId, after).map((Item): TransactItem => ({ Put: { TableName: table, Item } })),
    ...moved.map((Key): TransactItem => ({ Delete: { TableName: table, Key } })),
  ];
  if (items.length > MAX_TRANSACTION_ITEMS)
    throw new Error(`A need's write has ${items.length} items, more than a transaction takes`);
  return items;
}

function recordOf(step: StatusStep, actor: Actor, at: string) {
  return {
    at,
    actor,
    ...(step.from === undefined ? {} : { from: step.from }),
    to: step.to,
    ...(step.reason === undefined ? {} : { reason: step.reason }),
    ...(step.orderId === undefined ? {} : { orderId: step.orderId }),
  };
}

/**
 * Writes a need's change in one transaction. Refused: WriteCancelledError with a reason per item,
 * the need's first (index 0), then `also`'s (from index 1).
 */
export const writeNeed = (w: NeedWrite) => writeItems(needWriteItems(w));

/** The need, strongly consistent when a change is decided on it. One GetItem. */
export async function findNeed(
  tenantId: string,
  needId: string,
  consistent = false,
): Promise<Need | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: needKey(tenantId, needId),
      ConsistentRead: consistent,
    }),
  );
  return Item ? toNeed(Item) : undefined;
}

export async function getNeed(tenantId: string, needId: string, consistent = false): Promise<Need> {
  const need = await findNeed(tenantId, needId, consistent);
  if (!need) throw new NotFoundError('Need', needId);
  return need;
}

/**
 * One page of a need's history, oldest first: one Query of the need's partition (one record more
 * than the page, to know whether another follows).
 */
export async function listHistory(
  tenantId: string,
  needId: string,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: HistoryRecord[]; nextCursor?: string }> {
  const pk = needKey(tenantId, needId).pk;
  const list = `NEED_HISTORY#${needId}`;
  const startKey = await decodeCursor(cursor, list, { attribute: 'pk', value: pk }, ['pk', 'sk']);
  const result = await documentClient.send(
    new QueryCommand({
      TableName: domainTableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :history)',
      ExpressionAttributeValues: { ':pk': pk, ':history': HISTORY_PREFIX },
      Limit: limit + 1,
      ExclusiveStartKey: startKey,
    }),
  );
  const found = result.Items ?? [];
  const page = found.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(historyRecordOf),
    nextCursor:
      found.length > limit && last ? await encodeCursor(list, { pk: last.pk, sk: last.sk }) : undefined,
  };
}

const historyRecordOf = (item: Record<string, unknown>): HistoryRecord => ({
  at: item.at as string,
  actor: item.actor as Actor,
  ...(item.from === undefined ? {} : { from: item.from as NeedStatus }),
  to: item.to as NeedStatus,
  ...(item.reason === undefined ? {} : { reason: item.reason as string }),
  ...(item.orderId === undefined ? {} : { orderId: item.orderId as string }),
  version: item.version as number,
});
