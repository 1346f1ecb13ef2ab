import { performance } from 'node:perf_hooks';
import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamFunction } from '../../functions/manifest';
import { type DeliveryCounts, deliverBatch, type Failure, type PendingRecord } from './delivery';
import { matchesAnyFilter } from './filter';
import type { Pauses } from './pauses';
import { toLambdaRecord } from './records';
import type { Position, StreamApi } from './stream-api';
import type { EmptyRead, ShardTips } from './tips';

/** What the poller counts per consumer. */
export interface ConsumerStats extends DeliveryCounts {
  /** Records read from the stream (each shard once per consumer, as each mapping reads its own). */
  recordsRead: number;
  /** Records none of the consumer's filters matched: skipped, never delivered. */
  filteredOut: number;
  /** Records the consumer processed (in an invocation that did not report them failed). */
  delivered: number;
  /** Records given up on: in the dead-letter store. */
  deadLettered: number;
}

/** A consumer's counts before anything happened. */
export const noStats = (): ConsumerStats => ({
  recordsRead: 0,
  filteredOut: 0,
  delivered: 0,
  invocations: 0,
  failedInvocations: 0,
  retries: 0,
  bisections: 0,
  deadLettered: 0,
});

export interface ReaderContext {
  api: StreamApi;
  streamArn: string;
  shardId: string;
  consumer: StreamFunction;
  /** The consumer's checkpoint in this shard: reading starts after it. */
  startAfter?: string;
  invoke(records: DynamoDBRecord[]): Promise<unknown>;
  /** Everything up to this sequence number is done with. */
  checkpoint(sequenceNumber: string): void;
  /** The shard is closed and every record of it done with. */
  finish(): void;
  deadLetter(records: PendingRecord[], failure: Failure): void;
  stats: ConsumerStats;
  pauses: Pauses;
  pollIntervalMs: number;
  /** An idle shard's polls spread out, doubling from pollIntervalMs up to this, until records or a poke come. */
  maxIdlePollIntervalMs: number;
  /** Bumped by each `poke()`: something was written, so an idle reader polls at its base interval again. */
  pokes(): number;
  /** Shared by the readers of the stream: a read just made by another consumer at the same position (tips.ts). */
  tips?: ShardTips;
  retryDelayScale: number;
  stopped(): boolean;
  /** Bumped by each `drained()` call; a read that starts after it sees everything written before. */
  generation(): number;
  /** Tells `drained()` waiters to look again. */
  progress(): void;
  log(line: string): void;
  now(): number;
}

interface Buffered extends PendingRecord {
  matched: boolean;
  /** When it was read (monotonic ms): the batching window runs from the first matched record's. */
  readAt: number;
}

/** Back-off before retry n of a failing batch: 1 s, 2 s, 4 s … up to a minute (times the scale). */
const backOffMs = (retry: number) => Math.min(1000 * 2 ** (retry - 1), 60_000);
/** After an unexpected error of the Streams API (DynamoDB Local restarting, say): 1 s at the default poll interval. */
const ERROR_PAUSE_POLLS = 4;

/**
 * One consumer reading one shard, as one event source mapping does with ParallelizationFactor 1:
 * read with GetRecords, drop what the filters refuse, gather a batch (up to `batchSize`, waiting up
 * to `batchingWindowSeconds` for it to fill), deliver it (delivery.ts), checkpoint, and go on,
 * one batch at a time, so a key's records reach the consumer in the order they were written.
 * Ends when the shard is closed and read to its end, or when the poller stops.
 */
export class ShardReader {
  /** The last `drained()` generation at which this reader had nothing left to do. */
  caughtUpGeneration = -1;
  finished = false;
  private readonly buffer: Buffered[] = [];
  private iterator: string | undefined;
  /** The last sequence number read: where a fresh iterator starts. */
  private position: string | undefined;
  /** The shard is closed and everything in it has been read into the buffer. */
  private ended = false;
  private errorStreak = 0;
  /** Polls in a row that found nothing since the last record or poke: how far the idle wait has grown. */
  private idlePolls = 0;
  private seenPokes = 0;
  private readonly ctx: ReaderContext;

  constructor(ctx: ReaderContext) {
    this.ctx = ctx;
    this.position = ctx.startAfter;
  }

  async run(): Promise<void> {
    const { source } = this.ctx.consumer;
    while (!this.ctx.stopped()) {
      const generation = this.ctx.generation();
      let read = 0;
      if (!this.ended && this.matchedCount() < source.batchSize) {
        const page = await this.readPage(generation);
        if (page === undefined) continue;
        read = page.records.length;
        if (read > 0) this.idlePolls = 0;
        this.take(page.records);
        if (page.next) this.iterator = page.next;
        else this.ended = true;
        if (read === 0 && this.buffer.length === 0 && !this.ended) {
          this.caughtUpGeneration = generation;
          this.ctx.progress();
        }
      }
      this.skipFilteredOut();
      if (this.readyToDeliver()) {
        if ((await this.deliverNext()) === 'abandoned') return;
        continue;
      }
      if (this.ended && this.buffer.length === 0) {
        this.finished = true;
        this.ctx.finish();
        return;
      }
      // An idle shard waits before its next poll, unless a drained() call came meanwhile.
      if (read === 0 && generation === this.ctx.generation()) {
        await this.ctx.pauses.sleep(this.idleWaitMs(), 'poll');
      }
    }
  }

  private matchedCount(): number {
    let count = 0;
    for (const entry of this.buffer) if (entry.matched) count++;
    return count;
  }

  private take(records: readonly _Record[]): void {
    const readAt = performance.now();
    for (const raw of records) {
      const record = toLambdaRecord(raw, this.ctx.streamArn);
      const sequenceNumber = record.dynamodb?.SequenceNumber as string;
      const matched = matchesAnyFilter(this.ctx.consumer.source.filters, record);
      this.ctx.stats.recordsRead++;
      if (!matched) this.ctx.stats.filteredOut++;
      this.buffer.push({ record, sequenceNumber, matched, readAt });
      this.position = sequenceNumber;
    }
  }

  /** A buffer of records no filter matched is done with at once: the checkpoint moves past it. */
  private skipFilteredOut(): void {
    const last = this.buffer.at(-1);
    if (!last || this.buffer.some((entry) => entry.matched)) return;
    this.buffer.length = 0;
    this.ctx.checkpoint(last.sequenceNumber);
  }

  private readyToDeliver(): boolean {
    const first = this.buffer.find((entry) => entry.matched);
    if (!first) return false;
    const { batchSize, batchingWindowSeconds } = this.ctx.consumer.source;
    if (this.ended || this.matchedCount() >= batchSize) return true;
    return performance.now() - first.readAt >= batchingWindowSeconds * 1000;
  }

  private idleWaitMs(): number {
    const first = this.buffer.find((entry) => entry.matched);
    if (!first) {
      const pokes = this.ctx.pokes();
      if (pokes !== this.seenPokes) {
        this.seenPokes = pokes;
        this.idlePolls = 0;
      }
      const { pollIntervalMs, maxIdlePollIntervalMs } = this.ctx;
      const wait = Math.min(
        Math.max(pollIntervalMs, maxIdlePollIntervalMs),
        pollIntervalMs * 2 ** this.idlePolls,
      );
      this.idlePolls = Math.min(this.idlePolls + 1, 30);
      return wait;
    }
    const windowLeft =
      first.readAt + this.ctx.consumer.source.batchingWindowSeconds * 1000 - performance.now();
    return Math.max(0, Math.min(this.ctx.pollIntervalMs, windowLeft));
  }

  /**
   * The next batch: up to batchSize matched records, with the filtered-out records between them;
   * when only filtered-out records follow, those too, so the checkpoint moves past them.
   */
  private async deliverNext(): Promise<'done' | 'abandoned'> {
    const { source } = this.ctx.consumer;
    const batch: PendingRecord[] = [];
    let end = 0;
    for (; end < this.buffer.length && batch.length < source.batchSize; end++) {
      const entry = this.buffer[end] as Buffered;
      if (entry.matched) batch.push({ record: entry.record, sequenceNumber: entry.sequenceNumber });
    }
    if (!this.buffer.slice(end).some((entry) => entry.matched)) end = this.buffer.length;
    const last = this.buffer[end - 1] as Buffered;

    const { ctx } = this;
    const outcome = await deliverBatch(batch, source, {
      invoke: ctx.invoke,
      done: (record, processed) => {
        ctx.stats.delivered += processed;
        ctx.checkpoint(record.sequenceNumber);
      },
      deadLetter: ctx.deadLetter,
      backOff: (retry) => ctx.pauses.sleep(backOffMs(retry) * ctx.retryDelayScale, 'backoff'),
      stopped: ctx.stopped,
      now: ctx.now,
      counts: ctx.stats,
    });
    if (outcome === 'abandoned') return outcome;
    this.buffer.splice(0, end);
    // The batch's own records were checkpointed as they were done; here only filtered-out ones after them.
    if (last.sequenceNumber !== batch.at(-1)?.sequenceNumber) ctx.checkpoint(last.sequenceNumber);
    return outcome;
  }

  /**
   * One GetRecords call, with a fresh iterator when needed: after the last record read when the
   * old one expired (iterators last 15 minutes, a long retry can outlive one), at the oldest
   * record kept when the checkpoint is older than the stream's 24 hours (said loudly: records
   * were lost). Undefined after any other error, once the pause after it is over.
   */
  private async readPage(generation: number): Promise<{ records: _Record[]; next?: string } | undefined> {
    const { api, streamArn, shardId, tips } = this.ctx;
    const read: EmptyRead = {
      after: this.position ?? '',
      generation,
      pokes: this.ctx.pokes(),
      startedAt: performance.now(),
    };
    // Another consumer at this very position has just found nothing: so would this read.
    if (this.iterator !== undefined && tips?.answered(shardId, read, this.ctx.pollIntervalMs)) {
      return { records: [], next: this.iterator };
    }
    try {
      if (this.iterator === undefined) this.iterator = await this.newIterator();
      const page = await api.records(this.iterator);
      this.errorStreak = 0;
      if (page.records.length > 0) tips?.foundRecords(shardId, read.after);
      else if (page.next !== undefined) tips?.foundNothing(shardId, read);
      return page;
    } catch (error) {
      if (this.ctx.stopped()) return undefined;
      const name = (error as Error).name;
      if (name === 'ExpiredIteratorException') {
        this.iterator = undefined;
        return undefined;
      }
      if (name === 'TrimmedDataAccessException') {
        this.lostRecords();
        this.iterator = await api.iterator(streamArn, shardId, 'TRIM_HORIZON');
        return undefined;
      }
      if (this.errorStreak++ % 30 === 0) {
        this.ctx.log(
          `${this.ctx.consumer.name}: reading ${shardId} failed (${name}: ${(error as Error).message}); retrying`,
        );
      }
      await this.ctx.pauses.sleep(ERROR_PAUSE_POLLS * this.ctx.pollIntervalMs, 'poll');
      return undefined;
    }
  }

  private async newIterator(): Promise<string> {
    const { api, streamArn, shardId } = this.ctx;
    const position: Position = this.position === undefined ? 'TRIM_HORIZON' : { after: this.position };
    try {
      return await api.iterator(streamArn, shardId, position);
    } catch (error) {
      if ((error as Error).name !== 'TrimmedDataAccessException') throw error;
      this.lostRecords();
      return api.iterator(streamArn, shardId, 'TRIM_HORIZON');
    }
  }

  private lostRecords(): void {
    this.ctx.log(
      `WARNING ${this.ctx.consumer.name}: records of ${this.ctx.shardId} after ${this.position ?? 'its start'} ` +
        'were trimmed from the stream (24-hour retention) before they were delivered; they are lost to this consumer. ' +
        'Reading on from the oldest record kept.',
    );
    this.position = undefined;
  }
}
