import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { type ScheduleFunction, scheduledJob } from '../../functions/manifest';
import { type Clock, startScheduler, UnknownJobError } from '../../local/scheduler/scheduler';
import { MAX_TIMER_SECONDS } from '../../local/workflow/timers';

/**
 * A clock the test moves by hand, so that schedules hours or a year apart run in no time and
 * nothing depends on how fast the machine is.
 */
class FakeClock implements Clock {
  private time: number;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private ids = 0;
  /** The longest delay anyone asked for. */
  longestDelay = 0;

  constructor(start: string) {
    this.time = Date.parse(start);
  }
  now = () => this.time;
  setTimeout = (fn: () => void, ms: number) => {
    this.longestDelay = Math.max(this.longestDelay, ms);
    this.ids += 1;
    this.timers.set(this.ids, { at: this.time + ms, fn });
    return this.ids;
  };
  clearTimeout = (handle: unknown) => {
    this.timers.delete(handle as number);
  };
  get pendingTimers() {
    return this.timers.size;
  }

  /** Moves on to `iso`, firing each timer due by then at its own time, and letting what it started settle. */
  async advanceTo(iso: string | number) {
    const to = typeof iso === 'number' ? iso : Date.parse(iso);
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= to).sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].fn();
      await settle();
    }
    this.time = Math.max(this.time, to);
    await settle();
  }

  /** The process was stalled until `iso` (a saturated CPU, a laptop asleep): every due timer fires late. */
  async stallUntil(iso: string) {
    this.time = Date.parse(iso);
    await this.advanceTo(iso);
  }
}

/** Lets the promise chains an in-process invocation starts run to their end. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const job = (name: string, expression: string, timeZone = 'UTC', payload: Record<string, unknown> = {}) =>
  scheduledJob(name, `functions/jobs/${name}.ts`, { expression, timeZone, payload }, {});

interface Call {
  job: string;
  event: Record<string, string>;
  at: string;
}

/** A scheduler over an in-process "function" that records each invocation and answers with `answer`. */
function scheduler(
  jobs: ScheduleFunction[],
  clock: FakeClock,
  answer: (call: Call) => Promise<unknown> = async () => ({ ok: true }),
) {
  const calls: Call[] = [];
  const lines: string[] = [];
  const running = startScheduler({
    jobs,
    clock,
    log: (line) => lines.push(line),
    invoke: (fn, event) => {
      const call = {
        job: fn.name,
        event: event as Record<string, string>,
        at: new Date(clock.now()).toISOString(),
      };
      calls.push(call);
      return answer(call);
    },
  });
  return { running, calls, lines };
}

describe('the twin’s scheduler', () => {
  it('fires each job on its expression in its own time zone, on time, across a daylight-saving change', async () => {
    const clock = new FakeClock('2025-03-29T08:00:00Z');
    const { running, calls } = scheduler(
      [
        job('london', 'cron(0 9 * * ? *)', 'Europe/London'),
        job('newYork', 'cron(0 9 * * ? *)', 'America/New_York'),
      ],
      clock,
    );
    assert.deepEqual(
      running.list().map(({ name, next }) => [name, next]),
      [
        ['london', '2025-03-29T09:00:00Z'],
        ['newYork', '2025-03-29T13:00:00Z'],
      ],
    );
    await clock.advanceTo('2025-03-30T12:00:00Z');
    // 09:00 in London is 09:00 UTC on Saturday (GMT) and 08:00 UTC on Sunday (BST).
    assert.deepEqual(
      calls.map((c) => [c.job, c.at]),
      [
        ['london', '2025-03-29T09:00:00.000Z'],
        ['newYork', '2025-03-29T13:00:00.000Z'],
        ['london', '2025-03-30T08:00:00.000Z'],
      ],
    );
    await running.stop();
  });

  it('gives the function the job’s payload with Scheduler’s context attributes filled in', async () => {
    const clock = new FakeClock('2025-01-01T10:00:00Z');
    const payload = {
      arn: '<aws.scheduler.schedule-arn>',
      due: 'due at <aws.scheduler.scheduled-time>',
      execution: '<aws.scheduler.execution-id>',
      attempt: '<aws.scheduler.attempt-number>',
      nested: [{ at: '<aws.scheduler.scheduled-time>', limit: 5 }],
      other: '<aws.scheduler.something-else>',
    };
    const { running, calls } = scheduler([job('report', 'rate(5 minutes)', 'UTC', payload)], clock);
    await clock.advanceTo('2025-01-01T10:05:00Z');
    assert.equal(calls.length, 1);
    const event = calls[0]?.event as unknown as typeof payload & { nested: [{ at: string; limit: number }] };
    assert.equal(event.arn, 'arn:aws:scheduler:local:000000000000:schedule/default/report');
    assert.equal(event.due, 'due at 2025-01-01T10:05:00Z');
    assert.match(event.execution, /^[0-9a-f]{16}$/);
    assert.equal(event.attempt, '1');
    assert.deepEqual(event.nested, [{ at: '2025-01-01T10:05:00Z', limit: 5 }]);
    assert.equal(event.other, '<aws.scheduler.something-else>', 'only Scheduler’s keywords are replaced');
    assert.equal(
      payload.due,
      'due at <aws.scheduler.scheduled-time>',
      'the manifest’s payload is left as it is',
    );
    await running.stop();
  });

  it('fires a timer that comes late once, for the occurrence it was set for, and does not replay the ones it missed', async () => {
    const clock = new FakeClock('2025-01-01T10:00:00Z');
    const { running, calls } = scheduler(
      [job('tick', 'rate(5 minutes)', 'UTC', { due: '<aws.scheduler.scheduled-time>' })],
      clock,
    );
    await clock.stallUntil('2025-01-01T10:17:00Z');
    assert.deepEqual(
      calls.map((c) => [c.at, c.event.due]),
      [['2025-01-01T10:17:00.000Z', '2025-01-01T10:05:00Z']],
    );
    // The next is on the start's grid, computed from the schedule, not 5 minutes after the late fire.
    assert.equal(running.list()[0]?.next, '2025-01-01T10:20:00Z');
    await clock.advanceTo('2025-01-01T10:20:00Z');
    assert.equal(calls.length, 2);
    assert.equal(calls[1]?.at, '2025-01-01T10:20:00.000Z');
    await running.stop();
  });

  it('invokes again when the next occurrence comes while an invocation still runs, as Scheduler does', async () => {
    const clock = new FakeClock('2025-01-01T10:00:00Z');
    const { running, calls } = scheduler([job('slow', 'rate(1 minute)')], clock, () => new Promise(() => {}));
    await clock.advanceTo('2025-01-01T10:03:00Z');
    assert.deepEqual(
      calls.map((c) => c.at),
      ['2025-01-01T10:01:00.000Z', '2025-01-01T10:02:00.000Z', '2025-01-01T10:03:00.000Z'],
    );
    await running.stop();
  });

  it('retries a failed invocation with back-off, the attempt number rising, then keeps it as dead-lettered', async () => {
    const clock = new FakeClock('2025-01-01T10:00:00Z');
    const failing = job('failing', 'cron(0 11 * * ? *)', 'UTC', {
      attempt: '<aws.scheduler.attempt-number>',
      execution: '<aws.scheduler.execution-id>',
      due: '<aws.scheduler.scheduled-time>',
    });
    const { running, calls, lines } = scheduler([failing], clock, async () => {
      const error = new Error('the table is gone');
      error.name = 'ResourceNotFoundException';
      throw error;
    });
    await clock.advanceTo('2025-01-01T11:05:00Z');
    // Attempts 1 s, 2 s and 4 s apart (DEFAULT_RETRY_POLICY), all for the same occurrence.
    assert.deepEqual(
      calls.map((c) => [c.at, c.event.attempt, c.event.due]),
      [
        ['2025-01-01T11:00:00.000Z', '1', '2025-01-01T11:00:00Z'],
        ['2025-01-01T11:00:01.000Z', '2', '2025-01-01T11:00:00Z'],
        ['2025-01-01T11:00:03.000Z', '3', '2025-01-01T11:00:00Z'],
        ['2025-01-01T11:00:07.000Z', '4', '2025-01-01T11:00:00Z'],
      ],
    );
    assert.equal(new Set(calls.map((c) => c.event.execution)).size, 1, 'one execution id for the occurrence');
    assert.deepEqual(running.deadLetters(), [
      {
        job: 'failing',
        scheduledTime: '2025-01-01T11:00:00Z',
        executionId: calls[0]?.event.execution,
        attempts: 4,
        error: { name: 'ResourceNotFoundException', message: 'the table is gone' },
        at: '2025-01-01T11:00:07.000Z',
      },
    ]);
    assert.ok(
      lines.some((line) =>
        /failing .* failed 4 times \(ResourceNotFoundException: .*\); dead-lettered/.test(line),
      ),
    );
    // The schedule carries on: tomorrow's occurrence is armed.
    assert.equal(running.list()[0]?.next, '2025-01-02T11:00:00Z');
    await running.stop();
  });

  it('stops retrying once an attempt succeeds', async () => {
    const clock = new FakeClock('2025-01-01T10:00:00Z');
    let failures = 1;
    const { running, calls } = scheduler([job('flaky', 'rate(1 hour)')], clock, async () => {
      if (failures-- > 0) throw new Error('blip');
      return 'ok';
    });
    await clock.advanceTo('2025-01-01T11:10:00Z');
    assert.equal(calls.length, 2);
    assert.deepEqual(running.deadLetters(), []);
    await running.stop();
  });

  it('times a fire a year away without asking Node for a timeout it cannot keep', async () => {
    const clock = new FakeClock('2025-01-02T00:00:00Z');
    const { running, calls } = scheduler([job('yearly', 'cron(0 9 1 1 ? *)')], clock);
    assert.equal(running.list()[0]?.next, '2026-01-01T09:00:00Z');
    await clock.advanceTo('2026-01-01T08:59:59Z');
    assert.equal(calls.length, 0);
    await clock.advanceTo('2026-01-01T09:00:00Z');
    assert.deepEqual(
      calls.map((c) => c.at),
      ['2026-01-01T09:00:00.000Z'],
    );
    assert.ok(clock.longestDelay <= MAX_TIMER_SECONDS * 1000, `asked for ${clock.longestDelay} ms`);
    await running.stop();
  });

  it('fires a one-time schedule once, and then has no next fire time', async () => {
    const clock = new FakeClock('2030-01-31T08:00:00Z');
    const { running, calls } = scheduler([job('once', 'at(2030-01-31T09:00:00)', 'Europe/London')], clock);
    await clock.advanceTo('2030-02-28T00:00:00Z');
    assert.deepEqual(
      calls.map((c) => c.at),
      ['2030-01-31T09:00:00.000Z'],
    );
    assert.equal(running.list()[0]?.next, undefined);
    assert.equal(clock.pendingTimers, 0);
    await running.stop();
  });

  it('runs a job now with the same payload and attributes, answering its result; an unknown job is named as such', async () => {
    const clock = new FakeClock('2025-01-01T10:00:00.250Z');
    const { running, calls } = scheduler(
      [
        job('report', 'rate(1 day)', 'UTC', { due: '<aws.scheduler.scheduled-time>' }),
        job('other', 'rate(1 hour)'),
      ],
      clock,
      async (call) => ({ summary: `ran ${call.job}` }),
    );
    assert.deepEqual(await running.runNow('report'), { summary: 'ran report' });
    assert.deepEqual(calls[0]?.event, { due: '2025-01-01T10:00:00Z' });
    await assert.rejects(running.runNow('nope'), (error: Error) => {
      assert.ok(error instanceof UnknownJobError);
      assert.deepEqual(error.jobs, ['report', 'other']);
      return true;
    });
    await running.stop();
  });

  it('refuses to start with a job whose expression Scheduler would refuse, naming the job', () => {
    const clock = new FakeClock('2025-01-01T10:00:00Z');
    assert.throws(
      () => scheduler([job('broken', 'cron(0 9 * * * *)')], clock),
      /Scheduled job broken: .*must be \?/,
    );
    assert.equal(clock.pendingTimers, 0);
  });

  it('leaves no timer behind when stopped, not even a pending retry, and fires nothing after', async () => {
    const clock = new FakeClock('2025-01-01T10:00:00Z');
    const { running, calls } = scheduler(
      [job('a', 'rate(5 minutes)'), job('b', 'cron(0 12 ? * MON *)', 'Europe/London')],
      clock,
      async () => {
        throw new Error('fails');
      },
    );
    await clock.advanceTo('2025-01-01T10:05:00Z');
    assert.equal(calls.length, 1, 'the first attempt of a');
    assert.ok(clock.pendingTimers >= 3, 'a’s retry and both schedules are armed');
    await running.stop();
    assert.equal(clock.pendingTimers, 0);
    await clock.advanceTo('2025-02-01T00:00:00Z');
    assert.equal(calls.length, 1);
    assert.deepEqual(running.deadLetters(), []);
    assert.ok(running.list().every((entry) => entry.next === undefined));
  });

  it('neither retries nor dead-letters an invocation that fails after the scheduler stopped', async () => {
    const clock = new FakeClock('2025-01-01T10:00:00Z');
    let fail: (error: Error) => void = () => {};
    const { running, calls, lines } = scheduler([job('slow', 'rate(5 minutes)')], clock, () => {
      return new Promise((_, reject) => {
        fail = reject;
      });
    });
    await clock.advanceTo('2025-01-01T10:05:00Z');
    assert.equal(calls.length, 1, 'one invocation in flight');
    await running.stop();
    fail(new Error('the twin is shutting down'));
    await settle();
    assert.equal(clock.pendingTimers, 0, 'no retry armed');
    await clock.advanceTo('2025-01-01T11:00:00Z');
    assert.equal(calls.length, 1);
    assert.deepEqual(running.deadLetters(), []);
    assert.ok(!lines.some((line) => /retrying|dead-lettered/.test(line)), lines.join('\n'));
  });
});
