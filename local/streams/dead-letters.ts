import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { safeFileName } from './checkpoints';

/**
 * What an event source mapping sends to its on-failure destination when it gives up on records
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html), so a consumer of
 * the twin's dead letters reads what an SQS dead-letter queue would hold in AWS. AWS sends only
 * the batch's coordinates (the records stay in the stream for 24 hours); the twin can afford to
 * keep the records themselves and the last error, which is what a developer wants to look at.
 */
export interface DeadLetter {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: DeadLetterCondition;
    approximateInvokeCount: number;
  };
  /** Absent when the records never reached the function (they were too old before the first try). */
  responseContext?: {
    statusCode: number;
    executedVersion: string;
    /** `Unhandled` when the function threw; absent when it answered with batchItemFailures. */
    functionError?: string;
  };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
  /** The twin's own additions. */
  consumer: string;
  records: DynamoDBRecord[];
  error?: { name: string; message: string };
}

export type DeadLetterCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface DeadLetterInput {
  consumer: string;
  functionArn: string;
  streamArn: string;
  shardId: string;
  records: readonly DynamoDBRecord[];
  condition: DeadLetterCondition;
  /** How many invocations carried these records. */
  invocations: number;
  /** The last failure: a thrown error, or a batchItemFailures answer (no error). */
  error?: { name: string; message: string; thrown: boolean };
  now: number;
}

export function deadLetterOf(input: DeadLetterInput): DeadLetter {
  const first = input.records[0]?.dynamodb;
  const last = input.records.at(-1)?.dynamodb;
  const arrival = (seconds: number | undefined) => new Date((seconds ?? 0) * 1000).toISOString();
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.invocations,
    },
    ...(input.invocations > 0
      ? {
          responseContext: {
            statusCode: 200,
            executedVersion: '$LATEST',
            ...(input.error?.thrown ? { functionError: 'Unhandled' } : {}),
          },
        }
      : {}),
    version: '1.0',
    timestamp: new Date(input.now).toISOString(),
    DDBStreamBatchInfo: {
      shardId: input.shardId,
      startSequenceNumber: first?.SequenceNumber ?? '',
      endSequenceNumber: last?.SequenceNumber ?? '',
      approximateArrivalOfFirstRecord: arrival(first?.ApproximateCreationDateTime),
      approximateArrivalOfLastRecord: arrival(last?.ApproximateCreationDateTime),
      batchSize: input.records.length,
      streamArn: input.streamArn,
    },
    consumer: input.consumer,
    records: [...input.records],
    ...(input.error ? { error: { name: input.error.name, message: input.error.message } } : {}),
  };
}

export interface DeadLetterStore {
  add(letter: DeadLetter): void;
  /** Every dead letter kept, oldest first, of one consumer or of all. */
  list(consumer?: string): DeadLetter[];
}

export function memoryDeadLetters(): DeadLetterStore {
  const letters: DeadLetter[] = [];
  return {
    add: (letter) => {
      letters.push(structuredClone(letter));
    },
    list: (consumer) => letters.filter((letter) => consumer === undefined || letter.consumer === consumer),
  };
}

/**
 * JSON lines in `<stateDir>/dead-letters/<consumer>.jsonl`, appended and flushed before the
 * checkpoint moves past the records (a crash in between dead-letters them twice, never zero times).
 * Owner-only: the records hold customers' data.
 */
export function fileDeadLetters(stateDir: string): DeadLetterStore {
  const dir = join(stateDir, 'dead-letters');
  return {
    add: (letter) => {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const fd = openSync(join(dir, `${safeFileName(letter.consumer)}.jsonl`), 'a', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(letter)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
    list: (consumer) => readDeadLetters(stateDir, consumer).letters,
  };
}

/**
 * The dead letters under a state directory. A line that is not JSON (a crash in the middle of an
 * append) is counted, not fatal.
 */
export function readDeadLetters(
  stateDir: string,
  consumer?: string,
): { letters: DeadLetter[]; unreadable: number } {
  const dir = join(stateDir, 'dead-letters');
  let files: string[];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { letters: [], unreadable: 0 };
    throw error;
  }
  if (consumer !== undefined) files = files.filter((name) => name === `${safeFileName(consumer)}.jsonl`);
  const letters: DeadLetter[] = [];
  let unreadable = 0;
  for (const file of files.sort()) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        letters.push(JSON.parse(line) as DeadLetter);
      } catch {
        unreadable++;
      }
    }
  }
  letters.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  return { letters, unreadable };
}
