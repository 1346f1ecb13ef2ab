import { randomBytes } from 'node:crypto';
import type { ScheduleFunction } from '../../functions/manifest';
import { type Clock, fireAt, realClock } from './clock';
import { localScheduleArn, schedulerTime, withContextAttributes } from './context-attributes';
import { parseScheduleExpression, type ScheduleExpression } from './expressions';

export type { Clock } from './clock';

/**
 * The twin's EventBridge Scheduler: fires each scheduled job of the manifest on its expression,
 * in its time zone, with its payload and Scheduler's context attributes, retries a failed
 * invocation with back-off and then keeps it as dead-lettered.
 *
 * Like Scheduler, it does not backfill: an occurrence missed while the twin was stopped, or
 * while its timer was late (a saturated CPU, a sleeping laptop), is not replayed; a late timer
 * fires once, for the occurrence it was set for. Like Scheduler, it invokes again when the
 * next occurrence comes while an invocation is still running.
 */

/** Scheduler's RetryPolicy, in small: retries of a failed invocation, each waiting twice as long as the one before. */
export interface RetryPolicy {
  maximumRetryAttempts: number;
  firstDelayMs: number;
}

/** Four attempts over about 7 s: enough to ride out a cold start or a blip of DynamoDB Local. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maximumRetryAttempts: 3, firstDelayMs: 1000 };

export interface SchedulerOptions {
  jobs: readonly ScheduleFunction[];
  /** Invokes the job's function (the twin passes runtime.invoke); resolves to its result, throws its error. */
  invoke(job: ScheduleFunction, event: unknown): Promise<unknown>;
  /** Real timers by default; tests pass a fake one. */
  clock?: Clock;
  log?: (line: string) => void;
  retry?: RetryPolicy;
}

/** An occurrence whose every attempt failed (Scheduler sends it to the schedule's dead-letter queue). */
export interface DeadLetter {
  job: string;
  scheduledTime: string;
  executionId: string;
  attempts: number;
  error: { name: string; message: string };
  /** When the last attempt failed. */
  at: string;
}

export interface ScheduledJob {
  name: string;
  expression: string;
  timeZone: string;
  /** The next fire time (ISO 8601 UTC); absent when there is none (a one-time schedule that has fired). */
  next?: string;
}

export interface Scheduler {
  /** Runs the job now (as `npm run job` does), with the same payload and context attributes: its result. */
  runNow(name: string): Promise<unknown>;
  /** Each job with its expression, time zone and next fire time. */
  list(): ScheduledJob[];
  /** Occurrences that failed every attempt, oldest first. */
  deadLetters(): readonly DeadLetter[];
  /** Cancels every timer (fires and retries). Invocations already running are left to the Lambda runtime. */
  stop(): Promise<void>;
}

export class UnknownJobError extends Error {
  override name = 'UnknownJobError';
  readonly jobs: readonly string[];
  constructor(name: string, jobs: readonly string[]) {
    super(`There is no scheduled job '${name}'. Jobs: ${jobs.join(', ') || 'none'}.`);
    this.jobs = jobs;
  }
}

interface Entry {
  job: ScheduleFunction;
  schedule: ScheduleExpression;
  next?: number;
  cancel?: () => void;
}

const errorOf = (error: unknown) =>
  error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };

/** Like Scheduler's execution ids (d32c5kddcf5bb8c3): 16 characters. */
const newExecutionId = () => randomBytes(8).toString('hex');

export function startScheduler(options: SchedulerOptions): Scheduler {
  const clock = options.clock ?? realClock;
  const log = options.log ?? (() => {});
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const startedAt = clock.now();
  // Every expression is read before anything is armed: a bad one stops the twin from starting, naming its job.
  const entries = new Map<string, Entry>(
    options.jobs.map((job) => {
      try {
        return [
          job.name,
          { job, schedule: parseScheduleExpression(job.schedule.expression, job.schedule.timeZone) },
        ];
      } catch (error) {
        throw new Error(`Scheduled job ${job.name}: ${(error as Error).message}`);
      }
    }),
  );
  const retries = new Set<() => void>();
  const dead: DeadLetter[] = [];
  let stopped = false;

  const eventOf = (
    job: ScheduleFunction,
    scheduledTime: number,
    executionId: string,
    attemptNumber: number,
  ) =>
    withContextAttributes(job.schedule.payload, {
      scheduleArn: localScheduleArn(job.name),
      scheduledTime,
      executionId,
      attemptNumber,
    });

  /** Invokes one occurrence, retrying with back-off; never rejects. */
  const deliver = (job: ScheduleFunction, scheduledTime: number) => {
    const executionId = newExecutionId();
    const label = `schedule ${job.name} ${schedulerTime(scheduledTime)}`;
    const attempt = async (attemptNumber: number) => {
      try {
        await options.invoke(job, eventOf(job, scheduledTime, executionId, attemptNumber));
        log(`${label} done${attemptNumber > 1 ? ` (attempt ${attemptNumber})` : ''}`);
      } catch (error) {
        if (stopped) return;
        const { name, message } = errorOf(error);
        if (attemptNumber > retry.maximumRetryAttempts) {
          dead.push({
            job: job.name,
            scheduledTime: schedulerTime(scheduledTime),
            executionId,
            attempts: attemptNumber,
            error: { name, message },
            at: new Date(clock.now()).toISOString(),
          });
          log(`${label} failed ${attemptNumber} times (${name}: ${message}); dead-lettered`);
          return;
        }
        const delay = retry.firstDelayMs * 2 ** (attemptNumber - 1);
        log(`${label} attempt ${attemptNumber} failed (${name}: ${message}); retrying in ${delay / 1000} s`);
        const cancel = fireAt(clock, clock.now() + delay, () => {
          retries.delete(cancel);
          void attempt(attemptNumber + 1);
        });
        retries.add(cancel);
      }
    };
    void attempt(1);
  };

  /** Sets the job's one timer for its first occurrence after `after`, computed from the schedule, never by adding up intervals. */
  const arm = (entry: Entry, after: number) => {
    const next = entry.schedule.nextAfter(after, startedAt);
    entry.next = next;
    entry.cancel = undefined;
    if (next === undefined) return;
    entry.cancel = fireAt(clock, next, () => {
      // The next one is counted from now when this timer is late, so the occurrences it slept
      // through are dropped rather than fired in a burst; and it is armed before this one is
      // invoked, which an overrunning invocation therefore does not hold up.
      arm(entry, Math.max(next, clock.now()));
      deliver(entry.job, next);
    });
  };
  for (const entry of entries.values()) arm(entry, startedAt);

  return {
    async runNow(name) {
      const entry = entries.get(name);
      if (!entry) throw new UnknownJobError(name, [...entries.keys()]);
      const now = clock.now();
      log(`schedule ${name} run now`);
      return options.invoke(entry.job, eventOf(entry.job, now, newExecutionId(), 1));
    },

    list: () =>
      [...entries.values()].map(({ job, next }) => ({
        name: job.name,
        expression: job.schedule.expression,
        timeZone: job.schedule.timeZone,
        ...(next === undefined ? {} : { next: schedulerTime(next) }),
      })),

    deadLetters: () => dead,

    async stop() {
      stopped = true;
      for (const entry of entries.values()) {
        entry.cancel?.();
        entry.cancel = undefined;
        entry.next = undefined;
      }
      for (const cancel of retries) cancel();
      retries.clear();
    },
  };
}
