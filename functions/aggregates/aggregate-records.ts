import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { logger } from '../shared/logger';
import type { StreamBatchOutcome } from '../shared/stream/handler';
import { applyTransaction } from './apply';
import { deltas } from './deltas';
import { type Image, readImage } from './images';
import { type PlannedTransaction, planTransactions, type RecordWork, withoutRecords } from './plan';
import { zoneHistoryOf } from './zone-cache';

/**
 * AggregateSales's work on one batch: each record's deltas (contribution of its new image minus
 * that of its old one, in the tenant's zone history), planned into transactions with a marker per
 * record (plan.ts), written in stream order. Stops at the first transaction that fails; its first
 * record and everything after it are retried by the stream, and what was written meanwhile is
 * found by its markers.
 */
export async function aggregateRecords(
  records: DynamoDBRecord[],
  now = new Date(),
): Promise<StreamBatchOutcome> {
  const work: RecordWork[] = [];
  for (const [index, record] of records.entries()) {
    try {
      const item = await workOf(record, index);
      if (item) work.push(item);
    } catch (error) {
      logger.error('stream record failed', {
        sequenceNumber: record.dynamodb?.SequenceNumber,
        error: error as Error,
      });
      return aggregate(work, now, index);
    }
  }
  return aggregate(work, now);
}

async function aggregate(work: RecordWork[], now: Date, stoppedAt?: number): Promise<StreamBatchOutcome> {
  for (const planned of planTransactions(work)) {
    let transaction: PlannedTransaction | undefined = planned;
    try {
      while (transaction) {
        const outcome = await applyTransaction(transaction, now);
        if (outcome.kind !== 'partly') break;
        const found = new Set(outcome.found.map((marker) => marker.record));
        transaction = withoutRecords(transaction, found, work);
      }
    } catch (error) {
      const first = Math.min(...planned.markers.map((marker) => marker.record));
      logger.error('aggregate transaction failed', {
        records: planned.markers.length,
        error: error as Error,
      });
      return { failedAt: first };
    }
  }
  return stoppedAt === undefined ? {} : { failedAt: stoppedAt };
}

async function workOf(record: DynamoDBRecord, index: number): Promise<RecordWork | undefined> {
  const before = imageOf(record, 'OldImage');
  const after = imageOf(record, 'NewImage');
  const tenantId = (after ?? before)?.tenantId;
  if (!tenantId) return undefined;
  const updates = deltas(before, after, await zoneHistoryOf(tenantId));
  return { index, tenantId, eventId: record.eventID ?? record.dynamodb?.SequenceNumber ?? '', updates };
}

function imageOf(record: DynamoDBRecord, which: 'OldImage' | 'NewImage'): Image | undefined {
  const raw = record.dynamodb?.[which];
  if (!raw) return undefined;
  const { image, unreadable } = readImage(unmarshall(raw as Record<string, AttributeValue>));
  if (unreadable)
    logger.warn('image counts in no aggregate', {
      sequenceNumber: record.dynamodb?.SequenceNumber,
      image: which,
      reason: unreadable,
    });
  return image;
}
