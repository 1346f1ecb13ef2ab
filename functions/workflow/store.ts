import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { customerKey } from '../customers/store';
import { OrderChangedError } from '../orders/errors';
import { orderKey } from '../orders/keys';
import { reconcileSchedule } from '../orders/reconcile-due';
import { type Change, changeOrder, type OrderRecord, type PendingTask } from '../orders/store';
import { documentClient, domainTableName } from '../shared/db/client';
import type { StatusEvent } from './evaluation';

/** What the workflow's tasks read and write besides order transitions. Each is one DynamoDB request. */

/**
 * A transition made by a workflow task. The execution has moved on, so any token answer a change
 * owed it (`answerDue`) is no longer owed: the write drops it, and the reconciler has nothing to
 * answer.
 */
export const changeOrderStep = (tenantId: string, order: OrderRecord, change: Change) =>
  changeOrder(tenantId, order, { ...change, remove: [...(change.remove ?? []), 'answerDue'] });

/**
 * Keeps the task token on the order so that whoever acts next (an approver, the partner, a
 * cancel) answers it. A new version, so that a change decided on the order as read before cannot
 * commit after this without re-reading it and finding the token; but no timeline event and no new
 * `updatedAt`: waiting is not a change anyone sees (the event that made the order wait is already
 * on the timeline), and a restarted execution parking again adds nothing. Timeline `seq` numbers
 * are order versions, so they skip the versions parking took.
 */
export async function parkTask(
  tenantId: string,
  order: OrderRecord,
  task: PendingTask,
): Promise<OrderRecord> {
  // Parked: the reconciler only checks once a day that the execution still waits; any answer a
  // change owed an earlier token has evidently arrived.
  const { set } = reconcileSchedule(tenantId, order.id, order.status, 'waiting', task.enteredAt);
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: domainTableName(),
        Key: orderKey(tenantId, order.id),
        UpdateExpression:
          'SET #task = :task, #version = :next, reconcilePk = :rpk, reconcileSk = :rsk REMOVE answerDue',
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#task': 'task', '#version': 'version' },
        ExpressionAttributeValues: {
          ':task': task,
          ':expected': order.version,
          ':next': order.version + 1,
          ':rpk': set.reconcilePk,
          ':rsk': set.reconcileSk,
        },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new OrderChangedError(order.id);
    throw error;
  }
  const { answerDue: _answered, ...rest } = order;
  return { ...rest, task, version: order.version + 1 };
}

/** The stored customer item (credit limit, open balance, closed orders), strongly consistent. */
export async function getCustomerItem(
  tenantId: string,
  customerId: string,
): Promise<Record<string, unknown> | undefined> {
  const result = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: customerKey(tenantId, customerId),
      ConsistentRead: true,
    }),
  );
  return result.Item;
}

/** Every timeline event's status and time, oldest first: one Query per 1 MB of events (one for any real order). */
export async function statusEvents(tenantId: string, orderId: string): Promise<StatusEvent[]> {
  const events: StatusEvent[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await documentClient.send(
      new QueryCommand({
        TableName: domainTableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
        ExpressionAttributeValues: { ':pk': orderKey(tenantId, orderId).pk, ':events': 'EVENT#' },
        ProjectionExpression: 'seq, #status, #at',
        ExpressionAttributeNames: { '#status': 'status', '#at': 'at' },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    events.push(...((result.Items ?? []) as StatusEvent[]));
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  return events;
}
