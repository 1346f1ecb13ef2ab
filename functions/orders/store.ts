import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../shared/db/client';
import { collectionKey } from '../shared/db/keys';
import { partitionPage } from '../shared/db/partition-page';
import type { TransactItem } from '../shared/db/transact-item';
import { writeItems } from '../shared/db/write-items';
import { NotFoundError } from '../shared/http/errors';
import { OrderChangedError } from './errors';
import {
  counterKey,
  eventKey,
  ORDER_ENTITY,
  ORDER_EVENT_ENTITY,
  ORDERS_COLLECTION,
  orderIndexAttributes,
  orderKey,
  statusPartition,
} from './keys';
import { assertSeesOrder } from './partner-access';
import type { OrderScope } from './partner-scope';
import {
  type AnswerDue,
  RECONCILE_AFTER_SECONDS,
  type ReconcileReason,
  reconcileAttributes,
  reconcileSchedule,
} from './reconcile-due';
import { type Actor, Order, type TimelineEvent } from './schemas';
import { ORDER_STATUSES, type OrderStatus } from './status';

export type { TransactItem };

/** The pending task token of the workflow, kept on the order but never shown by the API. */
export interface PendingTask {
  kind: 'approval' | 'shipment' | 'delivery';
  token: string;
  enteredAt: string;
  level?: number;
}

/** A cancel request waits here until the workflow compensates (a running task may not be interruptible). */
export interface CancelRequest {
  reason: string;
  by: string;
  at: string;
}

/** A partner's report that it cannot fulfil the order. */
export interface FulfilmentFailure {
  reason: string;
  by: string;
  at: string;
}

/** The order as stored: the API resource plus what only the system sees. */
export type OrderRecord = Order & {
  task?: PendingTask;
  decisionFacts?: unknown;
  cancelRequest?: CancelRequest;
  fulfilmentFailure?: FulfilmentFailure;
  /** A token answer a committed change owes the execution, until the workflow's next write (reconcile-due.ts). */
  answerDue?: AnswerDue;
  /** How many times the reconciler started the workflow again (execution `<id>.r<n>`). */
  workflowRun?: number;
};

const ORDER_FIELDS = Object.keys(Order.shape) as (keyof Order)[];

/** The API resource: schema fields only, in schema order. */
export function toOrder(record: Record<string, unknown>): Order {
  const order: Record<string, unknown> = {};
  for (const field of ORDER_FIELDS) if (record[field] !== undefined) order[field] = record[field];
  const evaluation = order.evaluation as Order['evaluation'];
  if (evaluation) {
    // DynamoDB keeps no key order in a map: give the stages back in lifecycle order.
    const stages = evaluation.stageSeconds;
    order.evaluation = {
      ...evaluation,
      stageSeconds: Object.fromEntries(
        ORDER_STATUSES.filter((status) => status in stages).map((status) => [status, stages[status]]),
      ),
    };
  }
  return order as Order;
}

export interface NewEvent {
  type: string;
  actor: Actor;
  details?: Record<string, unknown>;
}

function eventItem(
  tenantId: string,
  orderId: string,
  seq: number,
  status: OrderStatus,
  event: NewEvent,
  at: string,
) {
  return {
    ...eventKey(tenantId, orderId, seq),
    entity: ORDER_EVENT_ENTITY,
    tenantId,
    orderId,
    seq,
    type: event.type,
    status,
    at,
    actor: event.actor,
    ...(event.details ? { details: event.details } : {}),
  };
}

/** Next human order number of the tenant for that year (an atomic counter; a failed create leaves a gap). */
export async function nextOrderSequence(tenantId: string, year: number): Promise<number> {
  const result = await documentClient.send(
    new UpdateCommand({
      TableName: domainTableName(),
      Key: counterKey(tenantId, year),
      UpdateExpression: 'ADD #seq :one',
      ExpressionAttributeNames: { '#seq': 'seq' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(result.Attributes?.seq);
}

/**
 * Writes a new order and its first timeline event in one transaction, with `also` (the
 * uniqueness items of its number and external reference, the request's idempotency record).
 * A refused write is a WriteCancelledError with one reason per item: order, event, then `also`.
 */
export async function putNewOrder(
  tenantId: string,
  order: Order,
  event: NewEvent,
  also: TransactItem[] = [],
): Promise<void> {
  const table = domainTableName();
  await writeItems([
    {
      Put: {
        TableName: table,
        Item: {
          ...orderKey(tenantId, order.id),
          ...orderIndexAttributes(tenantId, order),
          // Due for the reconciler's look only if its workflow never got going.
          ...reconcileAttributes(
            tenantId,
            order.id,
            new Date(Date.parse(order.createdAt) + RECONCILE_AFTER_SECONDS.created * 1000),
          ),
          entity: ORDER_ENTITY,
          tenantId,
          ...order,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: table,
        Item: eventItem(tenantId, order.id, order.version, order.status, event, order.createdAt),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...also,
  ]);
}

/** The whole stored order (with its pending task), strongly consistent: workflow steps decide on it. */
export async function getOrderRecord(tenantId: string, orderId: string): Promise<OrderRecord> {
  const result = await documentClient.send(
    new GetCommand({ TableName: domainTableName(), Key: orderKey(tenantId, orderId), ConsistentRead: true }),
  );
  if (!result.Item) throw new NotFoundError('Order', orderId);
  return result.Item as OrderRecord;
}

/** The order as `scope` may see it: another partner's order is a 404, as a missing one is. */
export async function getOrder(tenantId: string, scope: OrderScope, orderId: string): Promise<Order> {
  const record = await getOrderRecord(tenantId, orderId);
  await assertSeesOrder(tenantId, scope, record);
  return toOrder(record);
}

export interface Transition {
  tenantId: string;
  orderId: string;
  /** The version read; the write fails with OrderChangedError if the order changed since. */
  expectedVersion: number;
  /** The order's current status (to move its status-index entry), and the new one if it changes. */
  fromStatus: OrderStatus;
  toStatus?: OrderStatus;
  /** Top-level attributes to set (whole values) and to remove. */
  set?: Record<string, unknown>;
  remove?: string[];
  event: NewEvent;
  /** Other items that must change in the same transaction (stock, customer balance). */
  also?: TransactItem[];
  now: string;
}

/** Why a transition's transaction was cancelled, per item (index 0 is the order, 1 the event, 2… `also`). */
export class TransitionCancelledError extends Error {
  readonly reasons: (string | undefined)[];
  readonly orderId: string;

  constructor(reasons: (string | undefined)[], orderId: string) {
    super(`Transaction cancelled: ${reasons.join(', ')}`);
    this.reasons = reasons;
    this.orderId = orderId;
    this.name = 'TransitionCancelledError';
  }
}

/**
 * One state change of an order: the order update (guarded by its version), its timeline event
 * (the outbox) and any other items, in one transaction. Returns the new version.
 */
export async function transitionOrder(t: Transition): Promise<number> {
  const table = domainTableName();
  const version = t.expectedVersion + 1;
  const status = t.toStatus ?? t.fromStatus;
  const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = {
    ':expected': t.expectedVersion,
    ':version': version,
    ':now': t.now,
  };
  const sets = ['#version = :version', '#updatedAt = :now'];
  const schedule = reconcileSchedule(t.tenantId, t.orderId, status, reconcileReasonOf(t), t.now);
  const set: Record<string, unknown> = { ...t.set, ...schedule.set };
  if (t.toStatus && t.toStatus !== t.fromStatus) {
    set.status = t.toStatus;
    set.statusChangedAt = t.now;
    set.statusPk = statusPartition(t.tenantId, t.toStatus);
  }
  Object.entries(set).forEach(([field, value], i) => {
    names[`#s${i}`] = field;
    values[`:s${i}`] = value;
    sets.push(`#s${i} = :s${i}`);
  });
  const removes = [...(t.remove ?? []), ...schedule.remove].map((field, i) => {
    names[`#r${i}`] = field;
    return `#r${i}`;
  });
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: orderKey(t.tenantId, t.orderId),
              UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            },
          },
          {
            Put: {
              TableName: table,
              Item: eventItem(t.tenantId, t.orderId, version, status, t.event, t.now),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...(t.also ?? []),
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = (error.CancellationReasons ?? []).map((r) => (r.Code === 'None' ? undefined : r.Code));
      // A failed version guard, or another transaction writing the order at this very moment:
      // either way the order is not what was read, and a re-read decides again.
      const changed = (reason: string | undefined) =>
        reason === 'ConditionalCheckFailed' || reason === 'TransactionConflict';
      if (changed(reasons[0]) || changed(reasons[1])) throw new OrderChangedError(t.orderId);
      throw new TransitionCancelledError(reasons, t.orderId);
    }
    throw error;
  }
  return version;
}

/**
 * Why the reconciler may need to look at the order after this write: a token answer is now owed
 * (`answerDue` set), the execution parks on it (`task` set), or the workflow moves on by itself.
 */
function reconcileReasonOf(t: Transition): ReconcileReason {
  if (t.set?.answerDue !== undefined) return 'answer';
  if (t.set?.task !== undefined) return 'waiting';
  return 'step';
}

/** The stored order after a committed transition: what the workflow's next step is decided on. */
export function afterTransition(record: OrderRecord, t: Transition, version: number): OrderRecord {
  const after: Record<string, unknown> = { ...record, ...t.set, version, updatedAt: t.now };
  if (t.toStatus && t.toStatus !== t.fromStatus) {
    after.status = t.toStatus;
    after.statusChangedAt = t.now;
  }
  for (const field of t.remove ?? []) delete after[field];
  return after as OrderRecord;
}

export type Change = Omit<Transition, 'tenantId' | 'orderId' | 'expectedVersion' | 'fromStatus'>;

/** Transitions the order that was read (guarded by its version) and returns it as now stored. */
export async function changeOrder(
  tenantId: string,
  record: OrderRecord,
  change: Change,
): Promise<OrderRecord> {
  const t: Transition = {
    ...change,
    tenantId,
    orderId: record.id,
    expectedVersion: record.version,
    fromStatus: record.status,
  };
  return afterTransition(record, t, await transitionOrder(t));
}

/** Another transaction held a stock or customer item the transition also writes: nothing was decided, retry. */
const contended = (error: unknown): error is TransitionCancelledError =>
  error instanceof TransitionCancelledError && error.reasons.includes('TransactionConflict');

/**
 * Retries `attempt` (read → decide → transition) when another writer changed the order meanwhile
 * or held an item of the same transaction. When the retries run out on a held item, the caller
 * gets what it would for a changed order (409 order-changed: retry; a task's TransientError), not
 * an unexplained 500: nothing was written, and a later attempt may well pass.
 */
export async function withOrderRetry<T>(attempt: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof OrderChangedError || contended(error))) throw error;
      if (i >= attempts) throw contended(error) ? heldTooLong(error) : error;
      await new Promise((r) => setTimeout(r, 10 * i + Math.random() * 20));
    }
  }
}

const heldTooLong = (error: TransitionCancelledError) =>
  new OrderChangedError(
    error.orderId,
    `Order '${error.orderId}' could not be changed: other requests kept writing the stock or customer it needs; retry.`,
  );

/**
 * One page of an order's timeline, oldest first; one Query (one event more than the page, to know
 * if there is another). A partner-bound scope reads the order first (a GetItem, on every page) to
 * see whose it is: another partner's order is a 404.
 */
export async function listTimeline(
  tenantId: string,
  scope: OrderScope,
  orderId: string,
  limit: number,
  cursor?: string,
): Promise<{ items: TimelineEvent[]; nextCursor?: string }> {
  if ('partnerId' in scope) await assertSeesOrder(tenantId, scope, await getOrderRecord(tenantId, orderId));
  const { items, nextCursor } = await partitionPage({
    list: `TIMELINE#${orderId}`,
    pk: orderKey(tenantId, orderId).pk,
    sortKeyCondition: 'begins_with(sk, :events)',
    values: { ':events': 'EVENT#' },
    limit,
    cursor,
  });
  return {
    items: items.map((item) => ({
      seq: item.seq,
      type: item.type,
      status: item.status,
      at: item.at,
      actor: item.actor,
      ...(item.details ? { details: item.details } : {}),
    })),
    nextCursor,
  };
}

/**
 * The approval decisions of the tenant's most recent orders with the facts they were made on,
 * newest first (orders not yet decided are left out): what a rule simulation re-runs. One Query.
 */
export async function listRecentOrderDecisions(
  tenantId: string,
  limit: number,
): Promise<{ orderId: string; orderNumber: string; createdAt: string; decision: unknown; facts: unknown }[]> {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: domainTableName(),
      IndexName: 'byTenantCollection',
      KeyConditionExpression: 'collectionPk = :p',
      ExpressionAttributeValues: { ':p': collectionKey(tenantId, ORDERS_COLLECTION) },
      ProjectionExpression: 'id, #number, createdAt, approval.decision, decisionFacts',
      ExpressionAttributeNames: { '#number': 'number' },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (result.Items ?? [])
    .filter((item) => item.approval?.decision && item.decisionFacts)
    .map((item) => ({
      orderId: item.id,
      orderNumber: item.number,
      createdAt: item.createdAt,
      decision: item.approval.decision,
      facts: item.decisionFacts,
    }));
}
