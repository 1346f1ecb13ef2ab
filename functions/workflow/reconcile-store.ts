import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { orderKey } from '../orders/keys';
import {
  RECONCILE_INDEX_ATTRIBUTES,
  type ReconcileReason,
  reconcileEntryOf,
  reconcilePartition,
  reconcileSchedule,
} from '../orders/reconcile-due';
import type { OrderRecord } from '../orders/store';
import { documentClient, domainTableName } from '../shared/db/client';

/**
 * The reconciler's reads and writes. Its writes never bump the order's version and never write a
 * timeline event: looking at an order is not a change of it. Each is conditional on what the
 * reconciler read, so a change that committed meanwhile wins and the look is simply over.
 */

export interface DueEntry {
  tenantId: string;
  orderId: string;
  due: string;
}

/**
 * One page of orders due in one shard of `ordersToReconcile`, oldest due first: one Query.
 * `dueBefore` bounds the sort key (`<due>#<tenant>#<order>`): '~' sorts after every date.
 */
export async function dueOrders(
  shard: number,
  dueBefore: string,
  limit: number,
  startKey?: Record<string, unknown>,
): Promise<{ entries: DueEntry[]; next?: Record<string, unknown> }> {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: domainTableName(),
      IndexName: 'ordersToReconcile',
      KeyConditionExpression: 'reconcilePk = :pk AND reconcileSk < :before',
      ExpressionAttributeValues: { ':pk': reconcilePartition(shard), ':before': dueBefore },
      Limit: limit,
      ExclusiveStartKey: startKey,
    }),
  );
  return {
    entries: (result.Items ?? []).map((item) => reconcileEntryOf(item.reconcileSk as string)),
    next: result.LastEvaluatedKey,
  };
}

/** Applies `update` unless the order changed since it was read (its version) — false if it did. */
async function ifUnchanged(
  tenantId: string,
  order: OrderRecord,
  update: { expression: string; values?: Record<string, unknown> },
): Promise<boolean> {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: domainTableName(),
        Key: orderKey(tenantId, order.id),
        UpdateExpression: update.expression,
        ConditionExpression: '#version = :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': order.version, ...update.values },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** The index attributes for the next look (or their removal), as an update expression's parts. */
function scheduleParts(tenantId: string, order: OrderRecord, reason: ReconcileReason, now: Date) {
  const { set, remove } = reconcileSchedule(tenantId, order.id, order.status, reason, now.toISOString());
  const sets = Object.keys(set).map((field) => `${field} = :${field}`);
  const values = Object.fromEntries(Object.entries(set).map(([field, value]) => [`:${field}`, value]));
  return { sets, removes: [...remove], values };
}

const expressionOf = (sets: string[], removes: string[]) =>
  [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');

/** The next look at the order, `reason` deciding when. */
export function rescheduleOrder(tenantId: string, order: OrderRecord, reason: ReconcileReason, now: Date) {
  const { sets, removes, values } = scheduleParts(tenantId, order, reason, now);
  return ifUnchanged(tenantId, order, { expression: expressionOf(sets, removes), values });
}

/** The owed answer was sent (or its token is no longer valid): it is owed no more; a final order leaves the index. */
export function clearAnswerDue(tenantId: string, order: OrderRecord, reason: ReconcileReason, now: Date) {
  const { sets, removes, values } = scheduleParts(tenantId, order, reason, now);
  return ifUnchanged(tenantId, order, { expression: expressionOf(sets, ['answerDue', ...removes]), values });
}

/** Claims the order's n-th restart (`workflowRun`), so that two reconcilers never start two executions. */
export function claimRestart(tenantId: string, order: OrderRecord, run: number, now: Date) {
  const { sets, values } = scheduleParts(tenantId, order, 'step', now);
  return ifUnchanged(tenantId, order, {
    expression: `SET workflowRun = :run, ${sets.join(', ')}`,
    values: { ...values, ':run': run },
  });
}

/** Takes the order out of the index: nothing the reconciler can do will move it (a person must look). */
export function forgetOrder(tenantId: string, order: OrderRecord) {
  return ifUnchanged(tenantId, order, { expression: `REMOVE ${RECONCILE_INDEX_ATTRIBUTES.join(', ')}` });
}
