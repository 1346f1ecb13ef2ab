import type { DynamoDBRecord } from 'aws-lambda';
import { logger } from '../shared/logger';
import type { StreamBatchOutcome } from '../shared/stream/handler';
import { batchesOf } from './batches';
import { busEntry, eventBusName, putEntries, type RetryPolicy } from './bus';
import { fromStreamRecord } from './envelope';

/**
 * A batch of stream records to the event bus, in record order: PutEvents requests of up to 10
 * entries, each entry that failed sent again a few times. If some still fail, the outcome points
 * at the first record whose entry failed (nothing after it is sent), so the batch is retried from
 * there and no later event of an order overtakes an earlier one. Entries of that request which did
 * go are sent again with the retry: EventBridge is at least once anyway, and subscribers
 * de-duplicate by the event's `id`. A record that is no domain event stops the batch the same way
 * (it is retried, then dead-lettered); the records before it are published.
 */
export async function publishRecords(
  records: readonly DynamoDBRecord[],
  policy?: RetryPolicy,
): Promise<StreamBatchOutcome> {
  const bus = eventBusName();
  const pending: { index: number; entry: ReturnType<typeof busEntry> }[] = [];
  let undeclared: number | undefined;
  for (const [index, record] of records.entries()) {
    try {
      const event = fromStreamRecord(record);
      if (event) pending.push({ index, entry: busEntry(event, bus) });
    } catch (error) {
      logger.error('stream record is no domain event', {
        sequenceNumber: record.dynamodb?.SequenceNumber,
        error: error as Error,
      });
      undeclared = index;
      break;
    }
  }
  for (const batch of batchesOf(pending, ({ entry }) => entry)) {
    const failed = await putEntries(
      batch.map(({ entry }) => entry),
      policy,
    );
    const first = failed[0];
    if (first !== undefined) return { failedAt: batch[first]?.index };
  }
  return undeclared === undefined ? {} : { failedAt: undeclared };
}
