import assert from 'node:assert/strict';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, it } from 'vitest';
import { type StreamSource, streamConsumer } from '../../functions/manifest';
import { type PauseKind, Pauses } from '../../local/streams/pauses';
import { noStats, type ReaderContext, ShardReader } from '../../local/streams/shard-reader';
import type { Position, StreamApi } from '../../local/streams/stream-api';
import { ShardTips } from '../../local/streams/tips';

/**
 * One consumer reading one shard, on a stand-in for the Streams API. A stand-in because what these
 * tests need cannot happen on DynamoDB Local within a test: a shard closing (DynamoDB Local rarely
 * splits), an iterator expiring (after 15 minutes), records trimmed (after 24 hours). The poller
 * against the real DynamoDB Local is test/integration/stream-poller.test.ts.
 */
const STREAM = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026-01-01T00:00:00.000';
const seq = (n: number) => String(n).padStart(21, '0');

function recordsOf(keys: string[]): _Record[] {
  return keys.map((key, i) => ({
    eventID: `id-${i}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: {
      ApproximateCreationDateTime: new Date(),
      Keys: { pk: { S: key } },
      NewImage: { pk: { S: key }, kind: { S: key.startsWith('skip') ? 'OTHER' : 'EVENT' } },
      SequenceNumber: seq(i + 1),
      SizeBytes: 20,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  }));
}

/**
 * A shard holding `records`, closed after them when `closed`; iterators are `at:<index>`, and each
 * GetRecords answers at most `perCall` records. `faults` are thrown by the calls they name.
 */
function fakeShard(
  records: _Record[],
  options: { closed: boolean; perCall?: number; trimmedBefore?: number },
) {
  const calls: string[] = [];
  /** `nth`: the fault hits that call of its kind (1 for the first), or the next one when absent. */
  const faults: { call: 'iterator' | 'records'; name: string; nth?: number }[] = [];
  const made = { iterator: 0, records: 0 };
  const fail = (call: 'iterator' | 'records') => {
    made[call]++;
    const at = faults.findIndex((fault) => fault.call === call && (fault.nth ?? made[call]) === made[call]);
    if (at < 0) return;
    const [fault] = faults.splice(at, 1);
    throw Object.assign(new Error(`${fault?.name} (injected)`), { name: fault?.name });
  };
  const api: StreamApi = {
    streamArnOf: async () => STREAM,
    listShards: async () => [{ shardId: 'shard-1' }],
    iterator: async (_arn, _shard, position: Position) => {
      calls.push(
        `iterator ${position === 'TRIM_HORIZON' ? 'TRIM_HORIZON' : `after ${Number(position.after)}`}`,
      );
      fail('iterator');
      const start = position === 'TRIM_HORIZON' ? (options.trimmedBefore ?? 0) : Number(position.after);
      if (start < (options.trimmedBefore ?? 0)) {
        throw Object.assign(new Error('trimmed'), { name: 'TrimmedDataAccessException' });
      }
      return `at:${start}`;
    },
    records: async (iterator) => {
      const start = Number(iterator.slice(3));
      calls.push(`records ${start}`);
      fail('records');
      const page = records.slice(start, start + (options.perCall ?? 1000));
      const end = start + page.length;
      return { records: page, ...(options.closed && end >= records.length ? {} : { next: `at:${end}` }) };
    },
    destroy: () => {},
  };
  return { api, calls, faults };
}

const keyOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.pk?.S as string;

/** A reader's context: one consumer of `source` (no filters, no window) on the shard of `api`; `overrides` replace the rest. */
function readerContext(
  api: StreamApi,
  source: Partial<StreamSource>,
  overrides: Partial<ReaderContext>,
): ReaderContext {
  return {
    api,
    streamArn: STREAM,
    shardId: 'shard-1',
    consumer: streamConsumer(
      'reader-test',
      'test/unit/stream-shard-reader.test.ts',
      { filters: [], batchSize: 3, batchingWindowSeconds: 0, ...source },
      {},
    ),
    invoke: async () => ({ batchItemFailures: [] }),
    checkpoint: () => {},
    finish: () => {},
    deadLetter: () => assert.fail('nothing is dead-lettered here'),
    stats: noStats(),
    pauses: new Pauses(),
    pollIntervalMs: 1,
    maxIdlePollIntervalMs: 1,
    pokes: () => 0,
    retryDelayScale: 0,
    stopped: () => false,
    generation: () => 0,
    progress: () => {},
    log: () => {},
    now: Date.now,
    ...overrides,
  };
}

/** Reads the shard to its end (it must be closed) and says what happened. */
async function readToEnd(
  api: StreamApi,
  source: Partial<StreamSource> = {},
  context: Partial<ReaderContext> = {},
): Promise<{ batches: string[][]; checkpoints: number[]; finished: number; lines: string[] }> {
  const batches: string[][] = [];
  const checkpoints: number[] = [];
  const lines: string[] = [];
  let finished = 0;
  const reader = new ShardReader(
    readerContext(api, source, {
      invoke: async (records) => {
        batches.push(records.map(keyOf));
        return { batchItemFailures: [] };
      },
      checkpoint: (sequenceNumber) => checkpoints.push(Number(sequenceNumber)),
      finish: () => finished++,
      log: (line) => lines.push(line),
      ...context,
    }),
  );
  await reader.run();
  assert.equal(reader.finished, true);
  return { batches, checkpoints, finished, lines };
}

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

describe('a consumer reading a shard', () => {
  it('reads a closed shard to its end in batches, checkpointing each, then marks it finished', async () => {
    const { api, calls } = fakeShard(recordsOf(KEYS), { closed: true, perCall: 4 });
    const run = await readToEnd(api);
    assert.deepEqual(run.batches, [['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    assert.deepEqual(run.checkpoints, [3, 6, 7]);
    assert.equal(run.finished, 1);
    assert.equal(calls[0], 'iterator TRIM_HORIZON', 'no checkpoint: from the oldest record');
  });

  it('starts after its checkpoint', async () => {
    const { api, calls } = fakeShard(recordsOf(KEYS), { closed: true });
    const run = await readToEnd(api, {}, { startAfter: seq(5) });
    assert.equal(calls[0], 'iterator after 5');
    assert.deepEqual(run.batches, [['f', 'g']]);
  });

  it('filters: a shard of records no filter matches is checkpointed past without an invocation', async () => {
    const { api } = fakeShard(recordsOf(['skip-1', 'skip-2', 'a', 'skip-3']), { closed: true });
    const run = await readToEnd(api, { filters: [{ dynamodb: { NewImage: { kind: { S: ['EVENT'] } } } }] });
    assert.deepEqual(run.batches, [['a']]);
    assert.equal(run.checkpoints.at(-1), 4, 'past the filtered-out records after the last delivered one');
  });

  it('an expired iterator is replaced by one after the last record read: nothing is read twice or skipped', async () => {
    const { api, calls, faults } = fakeShard(recordsOf(KEYS), { closed: true, perCall: 2 });
    faults.push({ call: 'records', name: 'ExpiredIteratorException', nth: 2 });
    const run = await readToEnd(api, { batchSize: 10 });
    assert.deepEqual(run.batches.flat(), KEYS);
    assert.deepEqual(calls.slice(0, 5), [
      'iterator TRIM_HORIZON',
      'records 0',
      'records 2',
      'iterator after 2',
      'records 2',
    ]);
  });

  it('a checkpoint older than the stream keeps is said loudly, and reading goes on from the oldest record kept', async () => {
    const { api, calls } = fakeShard(recordsOf(KEYS), { closed: true, trimmedBefore: 4 });
    const run = await readToEnd(api, {}, { startAfter: seq(2) });
    assert.deepEqual(calls.slice(0, 2), ['iterator after 2', 'iterator TRIM_HORIZON']);
    assert.deepEqual(run.batches.flat(), ['e', 'f', 'g']);
    assert.equal(run.lines.length, 1);
    assert.match(
      run.lines[0] as string,
      /^WARNING reader-test: records of shard-1 after 0+2 were trimmed .* lost/,
    );
  });

  it('records trimmed while reading (TrimmedDataAccessException from GetRecords) likewise', async () => {
    const { api, calls, faults } = fakeShard(recordsOf(KEYS), { closed: true });
    faults.push({ call: 'records', name: 'TrimmedDataAccessException' });
    const run = await readToEnd(api);
    assert.deepEqual(calls.slice(0, 3), ['iterator TRIM_HORIZON', 'records 0', 'iterator TRIM_HORIZON']);
    assert.deepEqual(run.batches.flat(), KEYS);
    assert.match(run.lines[0] as string, /WARNING/);
  });

  it('any other error of the Streams API is logged and the call tried again', async () => {
    const { api, faults } = fakeShard(recordsOf(KEYS), { closed: true });
    faults.push(
      { call: 'records', name: 'InternalServerError' },
      { call: 'records', name: 'InternalServerError' },
    );
    const run = await readToEnd(api);
    assert.deepEqual(run.batches.flat(), KEYS);
    assert.equal(run.lines.length, 1, 'once per streak of errors');
    assert.match(run.lines[0] as string, /reading shard-1 failed \(InternalServerError: .*\); retrying/);
  });
});

/** Pauses that record each wait and end it at once, so a test sees the waits without sitting them out. */
class RecordedPauses extends Pauses {
  readonly waits: [number, string][] = [];
  override sleep(ms: number, kind: PauseKind): Promise<void> {
    this.waits.push([ms, kind]);
    return Promise.resolve();
  }
}

describe('an idle shard', () => {
  /**
   * An open shard with nothing in it, read `polls` times; a poke comes during each read named in
   * `pokeAfter`, and a record appears at read `recordAt`. Returns the waits after the reads.
   */
  async function idleWaits(
    polls: number,
    at: { pokeAfter?: number[]; recordAt?: number } = {},
    intervals = { pollIntervalMs: 250, maxIdlePollIntervalMs: 2_000 },
  ): Promise<number[]> {
    let made = 0;
    let pokes = 0;
    const api: StreamApi = {
      streamArnOf: async () => STREAM,
      listShards: async () => [{ shardId: 'shard-1' }],
      iterator: async () => 'at:0',
      records: async () => {
        made++;
        if (at.pokeAfter?.includes(made)) pokes++;
        const records = made === at.recordAt ? recordsOf(['r']) : [];
        return { records, next: 'at:0' };
      },
      destroy: () => {},
    };
    const pauses = new RecordedPauses();
    const reader = new ShardReader(
      readerContext(
        api,
        { batchSize: 1 },
        { pauses, ...intervals, pokes: () => pokes, stopped: () => made >= polls },
      ),
    );
    await reader.run();
    return pauses.waits.filter(([, kind]) => kind === 'poll').map(([ms]) => ms);
  }

  it('is polled less and less often, the wait doubling from the poll interval up to its ceiling', async () => {
    assert.deepEqual(await idleWaits(7), [250, 500, 1_000, 2_000, 2_000, 2_000, 2_000]);
  });

  it('after a poke the waits start again from the poll interval', async () => {
    // Poked during the 4th read: 250 ms after it, not 2 s.
    assert.deepEqual(await idleWaits(7, { pokeAfter: [4] }), [250, 500, 1_000, 250, 500, 1_000, 2_000]);
  });

  it('a record read starts the waits again from the poll interval', async () => {
    // The 4th read finds a record (delivered at once, batch size 1); the 5th finds nothing again.
    assert.deepEqual(await idleWaits(7, { recordAt: 4 }), [250, 500, 1_000, 250, 500, 1_000]);
  });

  it('without a ceiling above the poll interval, it is polled at that interval, as Lambda polls', async () => {
    assert.deepEqual(
      await idleWaits(5, {}, { pollIntervalMs: 250, maxIdlePollIntervalMs: 250 }),
      [250, 250, 250, 250, 250],
    );
  });
});

describe('consumers at the tip of the same shard (tips.ts)', () => {
  /**
   * Reads an open shard of two records until the reader finds nothing more (it is caught up), and
   * returns the Streams API calls it made. `tips` is shared between the readers of one test.
   */
  async function catchUp(
    tips: ShardTips,
    calls: string[],
    api: StreamApi,
    context: { generation?: number; pokes?: number } = {},
  ): Promise<string[]> {
    const before = calls.length;
    let caughtUp = false;
    const pauses = new Pauses();
    const reader = new ShardReader(
      readerContext(
        api,
        {},
        {
          tips,
          pauses,
          // A minute: every read in this test is "recent" for the next reader.
          pollIntervalMs: 60_000,
          maxIdlePollIntervalMs: 60_000,
          generation: () => context.generation ?? 0,
          pokes: () => context.pokes ?? 0,
          progress: () => {
            caughtUp = true;
            pauses.stop();
          },
          stopped: () => caughtUp,
        },
      ),
    );
    await reader.run();
    return calls.slice(before);
  }

  it("a second consumer at the same position takes the first one's empty answer instead of asking again", async () => {
    const { api, calls } = fakeShard(recordsOf(['a', 'b']), { closed: false });
    const tips = new ShardTips();
    assert.deepEqual(await catchUp(tips, calls, api), ['iterator TRIM_HORIZON', 'records 0', 'records 2']);
    // Its own records it reads itself; only the empty read after them is spared.
    assert.deepEqual(await catchUp(tips, calls, api), ['iterator TRIM_HORIZON', 'records 0']);
  });

  it.each([
    ['after a poke (the twin wrote something since)', { pokes: 1 }],
    ['for a drained() call made after that empty read', { generation: 1 }],
  ])('%s, it asks again', async (_, since) => {
    const { api, calls } = fakeShard(recordsOf(['a', 'b']), { closed: false });
    const tips = new ShardTips();
    await catchUp(tips, calls, api);
    assert.deepEqual(await catchUp(tips, calls, api, since), [
      'iterator TRIM_HORIZON',
      'records 0',
      'records 2',
    ]);
  });

  it('a consumer at another position asks for itself, and records found after a position forget its empty answer', () => {
    const tips = new ShardTips();
    const read = { after: seq(2), generation: 0, pokes: 0, startedAt: 1_000 };
    tips.foundNothing('shard-1', read);
    assert.equal(tips.answered('shard-1', { ...read, startedAt: 1_100 }, 250), true);
    assert.equal(tips.answered('shard-1', { ...read, after: seq(1), startedAt: 1_100 }, 250), false);
    assert.equal(tips.answered('shard-2', { ...read, startedAt: 1_100 }, 250), false, 'another shard');
    assert.equal(tips.answered('shard-1', { ...read, startedAt: 1_250 }, 250), false, 'one interval old');
    tips.foundRecords('shard-1', seq(2));
    assert.equal(tips.answered('shard-1', { ...read, startedAt: 1_100 }, 250), false);
  });
});
