import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamSource } from '../../functions/manifest';
import type { DeadLetterCondition } from './dead-letters';
import { createdAtMs } from './records';

/**
 * How an event source mapping delivers one batch of a shard to its function, and what it does
 * when the function fails (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html):
 *
 * - Success (no `batchItemFailures`, or an empty list): the batch is done.
 * - `batchItemFailures`: everything before the lowest reported sequence number is done; the rest
 *   is retried, which counts as a retry. An identifier that is empty, not a string or not in the
 *   batch fails the whole batch, as Lambda does.
 * - A thrown error (or an invocation error) fails the whole batch. With `bisectOnError` a failing
 *   batch of more than one record is split in two and each half retried in turn, which does not
 *   count as a retry; a batch that cannot be split is retried, up to `retryAttempts` times.
 * - Records that exhausted their retries, and records older than `maxRecordAgeSeconds` (checked
 *   before every attempt; they never reach the function), go to the dead-letter store, and the
 *   shard moves on. -1 means no limit, for both, as in Lambda.
 *
 * Everything happens in stream order, one invocation at a time: a half is retried to its end
 * before the next half is tried, so no record overtakes an earlier one of the same shard.
 */
export interface PendingRecord {
  record: DynamoDBRecord;
  sequenceNumber: string;
}

export type DeliveryPolicy = Pick<StreamSource, 'retryAttempts' | 'bisectOnError' | 'maxRecordAgeSeconds'>;

export interface Failure {
  condition: DeadLetterCondition;
  /** How many invocations carried these records. */
  invocations: number;
  error?: { name: string; message: string; thrown: boolean };
}

export interface DeliveryCounts {
  invocations: number;
  failedInvocations: number;
  retries: number;
  bisections: number;
}

export interface DeliveryPort {
  invoke(records: DynamoDBRecord[]): Promise<unknown>;
  /** Every record up to and including `last` is done with; `processed` of them by the function. */
  done(last: PendingRecord, processed: number): void;
  /** Called before `done` for the same records. */
  deadLetter(records: PendingRecord[], failure: Failure): void;
  /** The back-off before retry number `retry` (1, 2, …). */
  backOff(retry: number): Promise<void>;
  stopped(): boolean;
  now(): number;
  counts: DeliveryCounts;
}

/**
 * Delivers the batch; resolves `done` once every record of it is done with, or `abandoned` when
 * the poller stopped before that (what is not done yet stays after the checkpoint, to be delivered
 * again on the next start).
 */
export async function deliverBatch(
  batch: readonly PendingRecord[],
  policy: DeliveryPolicy,
  port: DeliveryPort,
): Promise<'done' | 'abandoned'> {
  const segments: Segment[] = [{ records: [...batch], retries: 0, invocations: 0 }];
  while (segments.length > 0) {
    const segment = segments[0] as Segment;
    const expired = countExpired(segment.records, policy.maxRecordAgeSeconds, port.now());
    if (expired > 0) {
      const old = segment.records.splice(0, expired);
      port.deadLetter(old, {
        condition: 'RecordAgeExceeded',
        invocations: segment.invocations,
        error: segment.error,
      });
      port.done(old.at(-1) as PendingRecord, 0);
      if (segment.records.length === 0) {
        segments.shift();
        continue;
      }
    }
    if (port.stopped()) return 'abandoned';

    const verdict = await attempt(segment.records, port);
    segment.invocations++;
    port.counts.invocations++;
    if (verdict.kind === 'success') {
      port.done(segment.records.at(-1) as PendingRecord, segment.records.length);
      segments.shift();
      continue;
    }
    port.counts.failedInvocations++;
    if (verdict.kind === 'partial' && verdict.from > 0) {
      const handled = segment.records.splice(0, verdict.from);
      port.done(handled.at(-1) as PendingRecord, handled.length);
    }
    segment.error = verdict.error;
    if (port.stopped()) return 'abandoned';

    if (verdict.kind === 'error' && policy.bisectOnError && segment.records.length > 1) {
      const half = Math.ceil(segment.records.length / 2);
      const split = (records: PendingRecord[]): Segment => ({ ...segment, records });
      segments.splice(0, 1, split(segment.records.slice(0, half)), split(segment.records.slice(half)));
      port.counts.bisections++;
      continue;
    }
    segment.retries++;
    if (policy.retryAttempts >= 0 && segment.retries > policy.retryAttempts) {
      port.deadLetter(segment.records, {
        condition: 'RetryAttemptsExhausted',
        invocations: segment.invocations,
        error: segment.error,
      });
      port.done(segment.records.at(-1) as PendingRecord, 0);
      segments.shift();
      continue;
    }
    port.counts.retries++;
    await port.backOff(segment.retries);
  }
  return 'done';
}

interface Segment {
  records: PendingRecord[];
  /** Retries of these records so far; a half inherits its batch's. */
  retries: number;
  invocations: number;
  error?: Failure['error'];
}

type Verdict =
  | { kind: 'success' }
  | { kind: 'partial'; from: number; error: Failure['error'] }
  | { kind: 'error'; error: Failure['error'] };

async function attempt(records: readonly PendingRecord[], port: DeliveryPort): Promise<Verdict> {
  let result: unknown;
  try {
    result = await port.invoke(records.map((pending) => pending.record));
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    return { kind: 'error', error: { name, message, thrown: true } };
  }
  return verdictOf(
    result,
    records.map((pending) => pending.sequenceNumber),
  );
}

/** What a function's answer says of its batch (ReportBatchItemFailures). */
export function verdictOf(result: unknown, sequenceNumbers: readonly string[]): Verdict {
  const failures =
    typeof result === 'object' && result !== null
      ? (result as { batchItemFailures?: unknown }).batchItemFailures
      : undefined;
  if (failures === undefined || failures === null || (Array.isArray(failures) && failures.length === 0)) {
    return { kind: 'success' };
  }
  const invalid = (message: string): Verdict => ({
    kind: 'error',
    error: { name: 'InvalidBatchItemFailures', message, thrown: false },
  });
  if (!Array.isArray(failures)) return invalid('batchItemFailures is not a list');
  let from = Number.POSITIVE_INFINITY;
  for (const failure of failures as unknown[]) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof id === 'string' && id !== '' ? sequenceNumbers.indexOf(id) : -1;
    if (index < 0)
      return invalid(`itemIdentifier ${JSON.stringify(id)} is not a sequence number of the batch`);
    from = Math.min(from, index);
  }
  return {
    kind: 'partial',
    from,
    error: {
      name: 'BatchItemFailures',
      message: `the function reported ${sequenceNumbers[from]} and what follows as failed`,
      thrown: false,
    },
  };
}

/** How many records at the head of the batch are older than the limit (a shard's records age in order). */
function countExpired(records: readonly PendingRecord[], maxAgeSeconds: number, now: number): number {
  if (maxAgeSeconds < 0) return 0;
  let count = 0;
  for (const { record } of records) {
    const created = createdAtMs(record);
    if (created === undefined || now - created <= maxAgeSeconds * 1000) break;
    count++;
  }
  return count;
}
