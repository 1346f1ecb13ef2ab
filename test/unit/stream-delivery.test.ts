import assert from 'node:assert/strict';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, it } from 'vitest';
import {
  type DeliveryPolicy,
  type DeliveryPort,
  deliverBatch,
  type Failure,
  type PendingRecord,
  verdictOf,
} from '../../local/streams/delivery';

/**
 * The event source mapping's rules for one batch (retries, bisection, partial batch responses,
 * maximum record age), with an in-process function in place of the consumer; the poller runs the
 * same code against DynamoDB Local in test/integration/stream-poller.test.ts.
 */
const NOW = Date.UTC(2026, 0, 1, 12);
const seq = (n: number) => String(n).padStart(21, '0');

function records(count: number, ageSeconds = 0): PendingRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    sequenceNumber: seq(i + 1),
    record: {
      eventName: 'INSERT',
      dynamodb: {
        Keys: { pk: { S: `k${i + 1}` } },
        SequenceNumber: seq(i + 1),
        ApproximateCreationDateTime: (NOW - ageSeconds * 1000) / 1000,
      },
    },
  }));
}

const keyOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.pk?.S as string;

type Consumer = (batch: DynamoDBRecord[], call: number) => unknown;

/** Runs deliverBatch, recording what the function got, what was checkpointed and dead-lettered. */
async function deliver(
  batch: PendingRecord[],
  policy: Partial<DeliveryPolicy>,
  consumer: Consumer,
  options: { stopAfterCall?: number; backOffTakesMs?: number } = {},
) {
  const calls: string[][] = [];
  const checkpoints: string[] = [];
  const deadLetters: { keys: string[]; failure: Failure }[] = [];
  const backOffs: number[] = [];
  let processed = 0;
  let stopped = false;
  let clock = NOW;
  const port: DeliveryPort = {
    invoke: async (event) => {
      calls.push(event.map(keyOf));
      try {
        return await consumer(event, calls.length);
      } finally {
        if (calls.length === options.stopAfterCall) stopped = true;
      }
    },
    done: (last, count) => {
      checkpoints.push(keyOf(last.record));
      processed += count;
    },
    deadLetter: (dead, failure) => deadLetters.push({ keys: dead.map((p) => keyOf(p.record)), failure }),
    backOff: async (retry) => {
      backOffs.push(retry);
      clock += options.backOffTakesMs ?? 0;
    },
    stopped: () => stopped,
    now: () => clock,
    counts: { invocations: 0, failedInvocations: 0, retries: 0, bisections: 0 },
  };
  const outcome = await deliverBatch(
    batch,
    { retryAttempts: 2, bisectOnError: true, maxRecordAgeSeconds: 3600, ...policy },
    port,
  );
  return { outcome, calls, checkpoints, deadLetters, backOffs, processed, counts: port.counts };
}

const poison = (key: string) => (batch: DynamoDBRecord[]) => {
  if (batch.some((record) => keyOf(record) === key)) throw new TypeError(`cannot handle ${key}`);
  return { batchItemFailures: [] };
};
const failFrom = (batch: DynamoDBRecord[], key: string) => ({
  batchItemFailures: batch
    .slice(batch.findIndex((record) => keyOf(record) === key))
    .map((record) => ({ itemIdentifier: record.dynamodb?.SequenceNumber })),
});

describe('delivering a batch as an event source mapping does', () => {
  it('a batch the function handles is done in one invocation, checkpointed at its last record', async () => {
    const run = await deliver(records(4), {}, () => undefined);
    assert.equal(run.outcome, 'done');
    assert.deepEqual(run.calls, [['k1', 'k2', 'k3', 'k4']]);
    assert.deepEqual(run.checkpoints, ['k4']);
    assert.equal(run.processed, 4);
    assert.deepEqual(run.deadLetters, []);
  });

  it('a poison record: the batch is bisected until it stands alone, retried, then dead-lettered; the rest get through once, in order', async () => {
    const run = await deliver(records(8), { retryAttempts: 2 }, poison('k6'));
    assert.deepEqual(run.calls, [
      ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8'],
      ['k1', 'k2', 'k3', 'k4'],
      ['k5', 'k6', 'k7', 'k8'],
      ['k5', 'k6'],
      ['k5'],
      ['k6'],
      ['k6'], // retry 1
      ['k6'], // retry 2
      ['k7', 'k8'],
    ]);
    assert.deepEqual(run.checkpoints, ['k4', 'k5', 'k6', 'k8'], 'checkpointed in stream order');
    assert.equal(run.processed, 7);
    assert.equal(run.deadLetters.length, 1);
    const [dead] = run.deadLetters;
    assert.deepEqual(dead?.keys, ['k6']);
    assert.equal(dead?.failure.condition, 'RetryAttemptsExhausted');
    assert.equal(dead?.failure.invocations, 6, 'every invocation that carried k6');
    assert.deepEqual(dead?.failure.error, { name: 'TypeError', message: 'cannot handle k6', thrown: true });
    assert.deepEqual(run.backOffs, [1, 2], 'bisection is not a retry; the retries back off');
    assert.deepEqual(run.counts, { invocations: 9, failedInvocations: 6, retries: 2, bisections: 3 });
  });

  it('without bisection the whole batch is retried, then dead-lettered whole', async () => {
    const run = await deliver(records(3), { bisectOnError: false, retryAttempts: 1 }, poison('k2'));
    assert.deepEqual(run.calls, [
      ['k1', 'k2', 'k3'],
      ['k1', 'k2', 'k3'],
    ]);
    assert.deepEqual(
      run.deadLetters.map((d) => d.keys),
      [['k1', 'k2', 'k3']],
    );
    assert.deepEqual(run.checkpoints, ['k3']);
    assert.equal(run.processed, 0);
  });

  it('batchItemFailures: what came before the lowest failed record is done; the retry starts there and counts', async () => {
    const run = await deliver(records(6), {}, (batch, call) =>
      call === 1 ? { batchItemFailures: [...failFrom(batch, 'k4').batchItemFailures].reverse() } : {},
    );
    assert.deepEqual(run.calls, [
      ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'],
      ['k4', 'k5', 'k6'],
    ]);
    assert.deepEqual(run.checkpoints, ['k3', 'k6']);
    assert.equal(run.processed, 6);
    assert.equal(run.counts.retries, 1);
    assert.deepEqual(run.counts, { invocations: 2, failedInvocations: 1, retries: 1, bisections: 0 });
  });

  it('a record reported failed every time takes what follows it to the dead-letter store when its retries run out', async () => {
    const run = await deliver(records(5), { retryAttempts: 1 }, (batch) => failFrom(batch, 'k3'));
    assert.deepEqual(run.calls, [
      ['k1', 'k2', 'k3', 'k4', 'k5'],
      ['k3', 'k4', 'k5'],
    ]);
    assert.deepEqual(
      run.deadLetters.map((d) => d.keys),
      [['k3', 'k4', 'k5']],
    );
    assert.equal(run.deadLetters[0]?.failure.error?.thrown, false, 'an answer, not a function error');
    assert.deepEqual(run.checkpoints, ['k2', 'k5']);
  });

  it('an itemIdentifier that is empty or not in the batch fails the whole batch (and so bisects it)', async () => {
    for (const itemIdentifier of ['', 'not-a-sequence-number', seq(99), null]) {
      const run = await deliver(records(2), { retryAttempts: 0 }, (_batch, call) =>
        call === 1 ? { batchItemFailures: [{ itemIdentifier }] } : undefined,
      );
      assert.deepEqual(run.calls, [['k1', 'k2'], ['k1'], ['k2']], String(itemIdentifier));
      assert.deepEqual(run.deadLetters, []);
    }
  });

  it('what counts as complete success', () => {
    const sequenceNumbers = [seq(1)];
    for (const answer of [
      undefined,
      null,
      {},
      { batchItemFailures: [] },
      { batchItemFailures: null },
      'ok',
    ]) {
      assert.deepEqual(verdictOf(answer, sequenceNumbers), { kind: 'success' }, JSON.stringify(answer));
    }
    assert.equal(verdictOf({ batchItemFailures: 'all' }, sequenceNumbers).kind, 'error');
  });

  it('records older than the maximum age never reach the function: dead-lettered unprocessed', async () => {
    const run = await deliver(records(3, 7200), { maxRecordAgeSeconds: 3600 }, () => undefined);
    assert.deepEqual(run.calls, []);
    assert.deepEqual(
      run.deadLetters.map((d) => [d.keys, d.failure.condition, d.failure.invocations]),
      [[['k1', 'k2', 'k3'], 'RecordAgeExceeded', 0]],
    );
    assert.deepEqual(run.checkpoints, ['k3']);
  });

  it('a record that ages out while it is retried goes to the store as too old; -1 retries means no limit', async () => {
    const downstreamDown = () => {
      throw new Error('downstream is down');
    };
    const run = await deliver(
      records(1, 3500),
      { retryAttempts: -1, maxRecordAgeSeconds: 3600 },
      downstreamDown,
      {
        backOffTakesMs: 60_000,
      },
    );
    assert.equal(run.outcome, 'done');
    assert.equal(run.calls.length, 2, 'tried at 3500 s and at 3560 s; too old at 3620 s');
    assert.equal(run.deadLetters.length, 1);
    const failure = run.deadLetters[0]?.failure;
    assert.equal(failure?.condition, 'RecordAgeExceeded');
    assert.equal(failure?.invocations, 2);
    assert.equal(failure?.error?.message, 'downstream is down');
  });

  it('stopping abandons what is not done: no checkpoint past it, no dead letter', async () => {
    const run = await deliver(records(4), {}, poison('k1'), { stopAfterCall: 1 });
    assert.equal(run.outcome, 'abandoned');
    assert.deepEqual(run.calls, [['k1', 'k2', 'k3', 'k4']]);
    assert.deepEqual(run.checkpoints, []);
    assert.deepEqual(run.deadLetters, []);
  });

  it('stopping after a partial answer keeps what the function did', async () => {
    const run = await deliver(records(4), {}, (batch) => failFrom(batch, 'k3'), { stopAfterCall: 1 });
    assert.equal(run.outcome, 'abandoned');
    assert.deepEqual(run.checkpoints, ['k2']);
  });
});
