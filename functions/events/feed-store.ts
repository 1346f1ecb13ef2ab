import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/db/client';
import type { CloudEvent } from './cloud-event';
import { eventsTableName, feedItem } from './feed-items';

/**
 * Adds an event to its tenant's feed, once: a second delivery of the same event (a retried
 * batch, a replayed shard) finds its item and changes nothing. One PutItem.
 */
export async function projectEvent(event: CloudEvent): Promise<'added' | 'already-there'> {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: eventsTableName(),
        Item: feedItem(event),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return 'added';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'already-there';
    throw error;
  }
}
