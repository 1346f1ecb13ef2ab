import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/db/client';
import type { TransactItem } from '../shared/db/transact-item';
import { cancellationReasons } from '../shared/db/transact-item';
import { afterCommit } from '../shared/faults';
import type { AggregateUpdate } from './contributions';
import { aggregatesTableName, MARKER_RETENTION_SECONDS, markerKey } from './keys';
import type { Marker, PlannedTransaction } from './plan';

/**
 * Writes one planned transaction: its markers (each on condition that it is not there yet) and
 * its updates (`ADD` of each measure), all or nothing.
 *
 * - `applied`: written now. `already`: every marker was there — these records were applied by an
 *   earlier delivery, and nothing was written. `partly`: some markers were there; the caller
 *   plans again without their records.
 * - Two invocations updating the same aggregate item at once cancel each other's transaction
 *   (TransactionConflict); that is retried here a few times after a short, growing, jittered
 *   pause before the batch is failed and the stream retries it.
 */
export type Outcome = { kind: 'applied' } | { kind: 'already' } | { kind: 'partly'; found: Marker[] };

const CONFLICT_RETRIES = 6;

export async function applyTransaction(transaction: PlannedTransaction, now: Date): Promise<Outcome> {
  const table = aggregatesTableName();
  const expiresAt = Math.floor(now.getTime() / 1000) + MARKER_RETENTION_SECONDS;
  const items: TransactItem[] = [
    ...transaction.markers.map(
      (marker): TransactItem => ({
        Put: {
          TableName: table,
          Item: { ...markerKey(marker.tenantId, marker.eventId, marker.chunk), expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
    ),
    ...transaction.updates.map((update) => updateItem(table, update)),
  ];
  for (let attempt = 0; ; attempt++) {
    try {
      await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
      await afterCommit('aggregateSales');
      return { kind: 'applied' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = cancellationReasons(error);
      const found = transaction.markers.filter((_, i) => reasons[i] === 'ConditionalCheckFailed');
      if (found.length === transaction.markers.length) return { kind: 'already' };
      if (found.length) return { kind: 'partly', found };
      if (!reasons.includes('TransactionConflict') || attempt >= CONFLICT_RETRIES) throw error;
      await pause(attempt);
    }
  }
}

function updateItem(table: string, update: AggregateUpdate): TransactItem {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const parts = Object.entries(update.add).map(([measure, value], i) => {
    names[`#m${i}`] = measure;
    values[`:m${i}`] = value;
    return `#m${i} :m${i}`;
  });
  return {
    Update: {
      TableName: table,
      Key: { pk: update.pk, sk: update.sk },
      UpdateExpression: `ADD ${parts.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, (10 + Math.random() * 20) * 2 ** attempt));
