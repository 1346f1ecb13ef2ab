import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { customerKey } from '../customers/store';
import { OrderChangedError } from '../orders/errors';
import { orderKey } from '../orders/keys';
import type { OrderRecord, PendingTask } from '../orders/store';
import { documentClient, domainTableName } from '../shared/db/client';
import type { StatusEvent } from './evaluation';

/** What the workflow's tasks read and write besides order transitions. Each is one DynamoDB request. */

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
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: domainTableName(),
        Key: orderKey(tenantId, order.id),
        UpdateExpression: 'SET #task = :task, #version = :next',
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#task': 'task', '#version': 'version' },
        ExpressionAttributeValues: { ':task': task, ':expected': order.version, ':next': order.version + 1 },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new OrderChangedError(order.id);
    throw error;
  }
  return { ...order, task, version: order.version + 1 };
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
