import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../../shared/db/client';
import { logger } from '../../shared/logger';
import { runKey } from './keys';
import type { RunPhase, RunProgress } from './record';

/**
 * The run's phase and progress on its item (GET /v1/analysis/runs/{id}), written as the run goes:
 * at each phase's start, and while reading every EVERY_MS or every EVERY_PERCENT points, whichever
 * comes first — a few dozen small writes for a run of minutes, none per page. Each write is an
 * UpdateItem on condition that the run is still RUNNING, so a run that was finished (or declared
 * interrupted) is never overwritten; the refusal ends this run (RunNoLongerRunningError).
 *
 * Writes are not awaited by the fold that counts records (reading goes on while one is in flight),
 * and at most one is in flight: a count that arrives meanwhile is written by the next.
 */
export const EVERY_MS = 2000;
export const EVERY_PERCENT = 5;

/** The run's item says it is no longer RUNNING: whoever finished it has the last word. */
export class RunNoLongerRunningError extends Error {
  constructor(runId: string) {
    super(`Analysis run ${runId} is no longer RUNNING`);
    this.name = 'RunNoLongerRunningError';
  }
}

export interface ProgressUpdate {
  phase: RunPhase;
  progress: RunProgress;
  at: string;
}

export interface ProgressOptions {
  everyMs?: number;
  clock?: () => number;
  /** Hears of each update once written (the benchmark prints them). */
  onUpdate?: (update: ProgressUpdate) => void;
}

export class ProgressReporter {
  private readonly tenantId: string;
  private readonly runId: string;
  private readonly everyMs: number;
  private readonly clock: () => number;
  private readonly onUpdate: ((update: ProgressUpdate) => void) | undefined;
  private phase: RunPhase = 'reading';
  private recordsRead = 0;
  private expected: number | null = null;
  private readingDone = false;
  private written = { at: Number.NEGATIVE_INFINITY, percent: Number.NEGATIVE_INFINITY };
  private inFlight: Promise<void> | undefined;
  private failure: unknown;

  constructor(tenantId: string, runId: string, options: ProgressOptions = {}) {
    this.tenantId = tenantId;
    this.runId = runId;
    this.everyMs = options.everyMs ?? EVERY_MS;
    this.clock = options.clock ?? Date.now;
    this.onUpdate = options.onUpdate;
  }

  get records(): number {
    return this.recordsRead;
  }

  /** The records the reading expects in all (null: unknown). */
  expect(records: number | null): void {
    this.expected = records;
  }

  /** Records read; writes the progress when it is due. */
  read(records: number): void {
    this.recordsRead += records;
    this.throwIfFailed();
    const percent = this.percent() ?? 0;
    const due =
      this.clock() - this.written.at >= this.everyMs || percent - this.written.percent >= EVERY_PERCENT;
    if (due && !this.inFlight) this.inFlight = this.write().finally(() => (this.inFlight = undefined));
  }

  /** Reading is over: the percent is 100 from here on. */
  doneReading(): void {
    this.readingDone = true;
  }

  /** A new phase, written at once (after any write in flight). */
  async enter(phase: RunPhase): Promise<void> {
    this.phase = phase;
    await this.settle();
    await this.write();
    this.throwIfFailed();
  }

  /** Waits for the write in flight; throws if a write found the run no longer RUNNING. */
  async settle(): Promise<void> {
    await this.inFlight;
    this.throwIfFailed();
  }

  /** The progress as it stands, for the run's last write. */
  current(): RunProgress {
    return { recordsRead: this.recordsRead, expectedRecords: this.expected, percent: this.percent() };
  }

  /**
   * Percent of the expected records read; held at 99 until reading is over, because the expected
   * count comes from the aggregates, which may be a little behind the records.
   */
  private percent(): number | null {
    if (this.readingDone) return 100;
    if (this.expected === null) return null;
    if (this.expected === 0) return 99;
    return Math.min(99, Math.floor((100 * this.recordsRead) / this.expected));
  }

  private async write(): Promise<void> {
    const progress = this.current();
    const at = new Date(this.clock()).toISOString();
    this.written = { at: this.clock(), percent: progress.percent ?? 0 };
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: domainTableName(),
          Key: runKey(this.tenantId, this.runId),
          UpdateExpression: 'SET #phase = :phase, #progress = :progress ADD #version :one',
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: {
            '#phase': 'phase',
            '#progress': 'progress',
            '#version': 'version',
            '#status': 'status',
          },
          ExpressionAttributeValues: {
            ':phase': this.phase,
            ':progress': progress,
            ':one': 1,
            ':running': 'RUNNING',
          },
        }),
      );
      this.onUpdate?.({ phase: this.phase, progress, at });
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException')
        this.failure ??= new RunNoLongerRunningError(this.runId);
      // Any other failure (after the SDK's retries) costs one progress update, not the run: the
      // next write carries the count, and the run's last write must succeed anyway.
      else logger.warn('analysis run progress not written', { runId: this.runId, error: error as Error });
    }
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
