import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../logger';
import { NO_EARLY_TIMEOUT } from '../middy-options';

/**
 * The one middy stack of every stream consumer (manifest `kind: 'stream'`). The consumer handles
 * the batch's records in their stream order and says where it stopped; everything from the first
 * record it could not handle is reported in `batchItemFailures` (ReportBatchItemFailures), so the
 * event source mapping (or the twin's poller) retries from that record and no later record of the
 * shard overtakes it: per subject, consumers see events in commit order. A thrown error fails the
 * whole batch, which is then bisected and retried. Records are never logged (images carry
 * customer data and parked task tokens); their sequence numbers are.
 */
export type StreamLambda = (event: DynamoDBStreamEvent, context: unknown) => Promise<DynamoDBBatchResponse>;

/** How far a consumer got: `failedAt` is the index of the first record it could not handle. */
export interface StreamBatchOutcome {
  failedAt?: number;
}

export type StreamConsumer = (records: DynamoDBRecord[]) => Promise<StreamBatchOutcome>;

export function streamHandler(consumer: string, handle: StreamConsumer): StreamLambda {
  const logContext = injectLambdaContext(logger, { resetKeys: true, logEvent: false });
  return middy(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    logger.appendKeys({ consumer });
    const records = event.Records ?? [];
    const { failedAt } = await handle(records);
    const failed = failedAt === undefined ? [] : records.slice(failedAt);
    if (failed.length) {
      logger.warn('stream records left for a retry', {
        first: failed[0]?.dynamodb?.SequenceNumber,
        count: failed.length,
      });
    }
    return {
      batchItemFailures: failed.map((record) => ({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' })),
    };
  }, NO_EARLY_TIMEOUT)
    .use(logContext)
    .use({
      onError: (request) => {
        logger.error('stream batch failed', { error: request.error as Error });
      },
    }) as unknown as StreamLambda;
}

/**
 * A consumer that handles one record at a time, in order, stopping at the first that fails
 * (logged with its sequence number; the rest of the batch is retried from it).
 */
export function eachRecord(handle: (record: DynamoDBRecord) => Promise<void>): StreamConsumer {
  return async (records) => {
    for (const [index, record] of records.entries()) {
      try {
        await handle(record);
      } catch (error) {
        logger.error('stream record failed', {
          sequenceNumber: record.dynamodb?.SequenceNumber,
          error: error as Error,
        });
        return { failedAt: index };
      }
    }
    return {};
  };
}
