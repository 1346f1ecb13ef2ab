import { setMaxListeners } from 'node:events';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamFunction } from '../../functions/manifest';
import {
  type CheckpointStore,
  type ConsumerCheckpoints,
  fileCheckpoints,
  memoryCheckpoints,
  safeFileName,
} from './checkpoints';
import {
  type DeadLetter,
  type DeadLetterStore,
  deadLetterOf,
  fileDeadLetters,
  memoryDeadLetters,
} from './dead-letters';
import type { Failure, PendingRecord } from './delivery';
import { checkFilterPattern, FilterPatternError } from './filter';
import { Pauses } from './pauses';
import { compareSequenceNumbers } from './records';
import { type ConsumerStats, noStats, ShardReader } from './shard-reader';
import { type ShardSummary, shardsToStart } from './shards';
import { createStreamApi } from './stream-api';
import { ShardTips } from './tips';

export type { DeadLetter } from './dead-letters';
export type { ConsumerStats } from './shard-reader';

export interface StreamPollerOptions {
  dynamoDbEndpoint: string;
  /** Physical table name whose stream is read (the domain table). */
  tableName: string;
  consumers: readonly StreamFunction[];
  /** Invokes the consumer as Lambda would (the twin passes runtime.invoke); resolves to its result ({batchItemFailures}) or throws its error. */
  invoke(consumer: StreamFunction, event: DynamoDBStreamEvent): Promise<unknown>;
  /** Checkpoints (per consumer, per shard) and dead letters persist here; in memory when absent. */
  stateDir?: string;
  /** How often an idle shard is polled (Lambda polls a DynamoDB stream shard about 4 times a second). */
  pollIntervalMs?: number;
  /**
   * When set above pollIntervalMs, a shard that keeps reading nothing is polled less and less
   * often, the wait doubling up to this, and `poke()` brings it back to pollIntervalMs. The twin pokes on
   * every write its functions make, so it pays for polling what it knows is idle (each poll is a
   * GetRecords per consumer and shard, which DynamoDB Local answers at a real CPU cost) only when
   * some other writer changes the table. Default: pollIntervalMs (a fixed interval, as Lambda's).
   */
  maxIdlePollIntervalMs?: number;
  /** Multiplies retry back-off delays (tests use a small one). */
  retryDelayScale?: number;
  /** Dead-lettered batches and lost records are said here; records themselves never are. Default: stderr. */
  log?: (line: string) => void;
  /** The clock that ages records (maxRecordAgeSeconds) and stamps dead letters. */
  now?: () => number;
}

export interface StreamPoller {
  /** The stream's ARN (DynamoDB Local's; each record's eventSourceARN). */
  streamArn: string;
  /**
   * Stops reading, waits for the invocations in flight and checkpoints what they finished; a
   * batch they did not finish stays after the checkpoint, to be delivered on the next start.
   * Leaves no timer, request or socket behind. Stop the functions' runtime after this, or before
   * it to cut the invocations in flight short (they then fail, and are delivered again later).
   */
  stop(): Promise<void>;
  /** Dead letters kept (in the state directory, also those of earlier runs), oldest first. */
  deadLetters(consumer?: string): DeadLetter[];
  /**
   * Resolves when every consumer has done with (delivered, skipped or dead-lettered) everything
   * the stream held when called; rejects after `timeoutMs` naming who is behind.
   */
  drained(timeoutMs?: number): Promise<void>;
  /** Counts per consumer since this poller started. */
  stats(): Record<string, ConsumerStats>;
  /** The table was written: idle readers poll within the base interval of their last poll, and at that interval again. */
  poke(): void;
}

/** New shards appear when one closes (DynamoDB does so every few hours, and on splits). */
const SHARD_LIST_INTERVAL_MS = 5_000;
const DEFAULT_POLL_INTERVAL_MS = 250;
const DEFAULT_DRAIN_TIMEOUT_MS = 60_000;

/** The twin's functions' ARN, as local/lambda gives it to them in their context. */
const functionArnOf = (consumer: StreamFunction) =>
  `arn:aws:lambda:local:000000000000:function:${consumer.name}`;

interface ConsumerState {
  spec: StreamFunction;
  checkpoints: ConsumerCheckpoints;
  stats: ConsumerStats;
  /** The shards being read now, by shard id. */
  readers: Map<string, ShardReader>;
}

/**
 * The local twin's stand-in for Lambda's event source mappings on a DynamoDB stream: every
 * consumer reads every shard of the table's stream on its own (a failing consumer holds no other
 * back; only a read that found nothing is shared, tips.ts), following shard splits parent before child, and gets Lambda's own event, filters,
 * batching, retries, bisection and partial batch failures. Checkpoints and dead letters live
 * under `stateDir` (`.data/streams/` for `npm start`); a consumer without a checkpoint starts at
 * the oldest record the stream keeps (TRIM_HORIZON), so the outbox loses nothing.
 */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  for (const consumer of options.consumers) {
    safeFileName(consumer.name);
    consumer.source.filters.forEach((pattern, i) => {
      try {
        checkFilterPattern(pattern, `filters[${i}]`);
      } catch (error) {
        if (error instanceof FilterPatternError) error.message = `${consumer.name}: ${error.message}`;
        throw error;
      }
    });
  }
  const log = options.log ?? ((line: string) => console.error(`[streams] ${line}`));
  const now = options.now ?? Date.now;
  const checkpointStore: CheckpointStore = options.stateDir
    ? fileCheckpoints(options.stateDir)
    : memoryCheckpoints();
  const deadLetterStore: DeadLetterStore = options.stateDir
    ? fileDeadLetters(options.stateDir)
    : memoryDeadLetters();
  const abort = new AbortController();
  // Each request in flight listens to it: one per consumer and shard, which may be more than Node's warning mark.
  setMaxListeners(0, abort.signal);
  const api = createStreamApi(options.dynamoDbEndpoint, abort.signal);
  const pauses = new Pauses();
  const tips = new ShardTips();

  let streamArn: string;
  let shards: ShardSummary[];
  let consumers: ConsumerState[];
  try {
    streamArn = await api.streamArnOf(options.tableName);
    shards = await api.listShards(streamArn);
    consumers = options.consumers.map((spec) => consumerState(spec, checkpointStore.load(spec.name)));
  } catch (error) {
    api.destroy();
    throw error;
  }

  function consumerState(spec: StreamFunction, saved: ConsumerCheckpoints | undefined): ConsumerState {
    if (saved && saved.streamArn !== streamArn) {
      log(`${spec.name}: checkpoints of ${saved.streamArn} ignored: the table's stream is now ${streamArn}`);
    }
    return {
      spec,
      checkpoints: saved?.streamArn === streamArn ? saved : { streamArn, shards: {} },
      stats: noStats(),
      readers: new Map(),
    };
  }

  let stopped = false;
  let generation = 0;
  let pokes = 0;
  let listedGeneration = 0;
  const running = new Set<Promise<void>>();
  const waiters = new Set<() => void>();
  const progress = () => {
    for (const check of [...waiters]) check();
  };

  const entryOf = (state: ConsumerState, shardId: string) => {
    state.checkpoints.shards[shardId] ??= {};
    return state.checkpoints.shards[shardId];
  };

  const checkpoint = (state: ConsumerState, shardId: string, sequenceNumber: string) => {
    const entry = entryOf(state, shardId);
    if (
      entry.sequenceNumber !== undefined &&
      compareSequenceNumbers(sequenceNumber, entry.sequenceNumber) <= 0
    ) {
      return;
    }
    entry.sequenceNumber = sequenceNumber;
    checkpointStore.save(state.spec.name, state.checkpoints);
  };

  const deadLetter = (state: ConsumerState, shardId: string, records: PendingRecord[], failure: Failure) => {
    const letter = deadLetterOf({
      consumer: state.spec.name,
      functionArn: functionArnOf(state.spec),
      streamArn,
      shardId,
      records: records.map((pending) => pending.record),
      condition: failure.condition,
      invocations: failure.invocations,
      error: failure.error,
      now: now(),
    });
    deadLetterStore.add(letter);
    state.stats.deadLettered += records.length;
    const info = letter.DDBStreamBatchInfo;
    log(
      `${state.spec.name}: ${records.length} record(s) of ${shardId} (${info.startSequenceNumber}–${info.endSequenceNumber}) ` +
        `dead-lettered, ${failure.condition} after ${failure.invocations} invocation(s)` +
        `${failure.error ? `; last error ${failure.error.name}: ${failure.error.message}` : ''} (npm run dlq)`,
    );
  };

  const startReaders = () => {
    if (stopped) return;
    for (const state of consumers) {
      const finished = new Set(
        Object.entries(state.checkpoints.shards)
          .filter(([, entry]) => entry.finished)
          .map(([shardId]) => shardId),
      );
      for (const shardId of shardsToStart(shards, finished, new Set(state.readers.keys()))) {
        const reader = new ShardReader({
          api,
          streamArn,
          shardId,
          consumer: state.spec,
          startAfter: state.checkpoints.shards[shardId]?.sequenceNumber,
          invoke: (records) => options.invoke(state.spec, { Records: records }),
          checkpoint: (sequenceNumber) => checkpoint(state, shardId, sequenceNumber),
          finish: () => {
            entryOf(state, shardId).finished = true;
            checkpointStore.save(state.spec.name, state.checkpoints);
            // Its children may be listed already, or appear at the next listing: look now.
            pauses.wake('list');
          },
          deadLetter: (records, failure) => deadLetter(state, shardId, records, failure),
          stats: state.stats,
          pauses,
          pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
          maxIdlePollIntervalMs:
            options.maxIdlePollIntervalMs ?? options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
          pokes: () => pokes,
          tips,
          retryDelayScale: options.retryDelayScale ?? 1,
          stopped: () => stopped,
          generation: () => generation,
          progress,
          log,
          now,
        });
        state.readers.set(shardId, reader);
        const run = reader
          .run()
          .catch((error: Error) => {
            // A bug or a failed checkpoint write: the next listing starts the shard again from its checkpoint.
            if (!stopped)
              log(`${state.spec.name}: reading ${shardId} stopped: ${error.stack ?? error.message}`);
          })
          .finally(() => {
            state.readers.delete(shardId);
            running.delete(run);
            progress();
          });
        running.add(run);
      }
    }
  };

  /** Forgets finished shards the stream no longer lists (trimmed after 24 hours). */
  const prune = () => {
    const listed = new Set(shards.map((shard) => shard.shardId));
    for (const state of consumers) {
      const gone = Object.entries(state.checkpoints.shards).filter(
        ([shardId, entry]) => entry.finished && !listed.has(shardId),
      );
      for (const [shardId] of gone) delete state.checkpoints.shards[shardId];
      if (gone.length) checkpointStore.save(state.spec.name, state.checkpoints);
    }
  };

  const relist = async () => {
    const asOf = generation;
    try {
      shards = await api.listShards(streamArn);
    } catch (error) {
      if (!stopped) log(`listing the shards of ${streamArn} failed: ${(error as Error).message}; retrying`);
      return;
    }
    listedGeneration = asOf;
    prune();
    startReaders();
    progress();
  };

  prune();
  startReaders();
  const lister = (async () => {
    while (!stopped) {
      await pauses.sleep(SHARD_LIST_INTERVAL_MS, 'list');
      if (!stopped) await relist();
    }
  })();

  /** Who still has records of the stream to do with, as of generation `target`. */
  const behind = (target: number): string[] => {
    if (listedGeneration < target) return ['the shard listing'];
    const late: string[] = [];
    for (const state of consumers) {
      for (const { shardId } of shards) {
        if (state.checkpoints.shards[shardId]?.finished) continue;
        const reader = state.readers.get(shardId);
        if (!reader || reader.caughtUpGeneration < target) late.push(`${state.spec.name} in ${shardId}`);
      }
    }
    return late;
  };

  let stopping: Promise<void> | undefined;
  return {
    streamArn,

    stop() {
      stopping ??= (async () => {
        stopped = true;
        pauses.stop();
        // Requests to DynamoDB Local end now; invocations in flight are waited for.
        abort.abort();
        await lister;
        while (running.size > 0) await Promise.all([...running]);
        progress();
        api.destroy();
      })();
      return stopping;
    },

    deadLetters: (consumer) => deadLetterStore.list(consumer),

    drained(timeoutMs = DEFAULT_DRAIN_TIMEOUT_MS) {
      if (stopped) return Promise.reject(new Error('The stream poller is stopped'));
      const target = ++generation;
      return new Promise<void>((resolve, reject) => {
        const finish = (error?: Error) => {
          waiters.delete(check);
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (stopped) finish(new Error('The stream poller stopped before the stream was drained'));
          else if (behind(target).length === 0) finish();
        };
        const timer = setTimeout(
          () =>
            finish(
              new Error(`The stream was not drained within ${timeoutMs} ms: ${behind(target).join(', ')}`),
            ),
          timeoutMs,
        );
        waiters.add(check);
        // Idle readers poll now, and the shards are listed again, rather than at their next turn.
        pauses.wake('poll', 'list');
      });
    },

    poke() {
      pokes += 1;
      // Not at once: a reader polls at most once per interval, however many writes come.
      pauses.shorten(options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, 'poll');
    },

    stats: () => Object.fromEntries(consumers.map((state) => [state.spec.name, { ...state.stats }])),
  };
}
