import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { scheduleFunctions } from '../../functions/manifest';
import { parseScheduleExpression, ScheduleExpressionError } from '../../local/scheduler/expressions';

/** The first `count` fire times after `from` (ISO 8601 UTC, whole seconds), the scheduler started at `from`. */
function fires(expression: string, timeZone: string, from: string, count: number): string[] {
  const schedule = parseScheduleExpression(expression, timeZone);
  const startedAt = Date.parse(from);
  const out: string[] = [];
  let after = startedAt;
  while (out.length < count) {
    const next = schedule.nextAfter(after, startedAt);
    if (next === undefined) break;
    out.push(new Date(next).toISOString().replace('.000Z', 'Z'));
    after = next;
  }
  return out;
}

const refused = (expression: string, reason: RegExp, timeZone = 'UTC') =>
  assert.throws(
    () => parseScheduleExpression(expression, timeZone),
    (error: Error) => {
      assert.ok(error instanceof ScheduleExpressionError, `${expression}: ${error}`);
      assert.match(error.message, reason, expression);
      return true;
    },
  );

describe('EventBridge Scheduler rate expressions', () => {
  it('fire every period counted from the scheduler’s start, in minutes, hours and days', () => {
    const from = '2025-01-01T10:00:07Z';
    assert.deepEqual(fires('rate(1 minute)', 'UTC', from, 2), [
      '2025-01-01T10:01:07Z',
      '2025-01-01T10:02:07Z',
    ]);
    assert.deepEqual(fires('rate(5 minutes)', 'UTC', from, 2), [
      '2025-01-01T10:05:07Z',
      '2025-01-01T10:10:07Z',
    ]);
    assert.deepEqual(fires('rate(1 hour)', 'UTC', from, 2), ['2025-01-01T11:00:07Z', '2025-01-01T12:00:07Z']);
    assert.deepEqual(fires('rate(2 hours)', 'UTC', from, 1), ['2025-01-01T12:00:07Z']);
    assert.deepEqual(fires('rate(1 day)', 'UTC', from, 1), ['2025-01-02T10:00:07Z']);
    assert.deepEqual(fires('rate(3 days)', 'UTC', from, 1), ['2025-01-04T10:00:07Z']);
  });

  it('keep to the start’s grid however late they are asked: the next after 17 minutes of rate(5 minutes) is the 20th', () => {
    const schedule = parseScheduleExpression('rate(5 minutes)', 'UTC');
    const start = Date.parse('2025-01-01T10:00:00Z');
    assert.equal(schedule.nextAfter(start + 17 * 60_000, start), start + 20 * 60_000);
    assert.equal(schedule.nextAfter(start + 20 * 60_000, start), start + 25 * 60_000);
  });

  it('count elapsed time across a daylight-saving change: a day is 24 hours, as Scheduler counts it', () => {
    // 12:00 GMT on the Saturday; BST starts that night, so 24 hours later the London clocks read 13:00.
    assert.deepEqual(fires('rate(1 day)', 'Europe/London', '2025-03-29T12:00:00Z', 1), [
      '2025-03-30T12:00:00Z',
    ]);
  });

  it('take the singular for 1 and the plural above, as Scheduler insists, and refuse the rest clearly', () => {
    refused('rate(1 minutes)', /value of 1 takes the singular: rate\(1 minute\)/);
    refused('rate(1 hours)', /singular: rate\(1 hour\)/);
    refused('rate(5 minute)', /plural: rate\(5 minutes\)/);
    refused('rate(2 day)', /plural: rate\(2 days\)/);
    refused('rate(0 minutes)', /positive whole number/);
    refused('rate(1.5 hours)', /positive whole number/);
    refused('rate(-5 minutes)', /positive whole number/);
    refused('rate(30 seconds)', /minute\(s\), hour\(s\) or day\(s\)/);
    refused('rate(2 weeks)', /minute\(s\), hour\(s\) or day\(s\)/);
    refused('rate(minutes)', /rate\(value unit\)/);
    refused('rate(5 minutes please)', /rate\(value unit\)/);
  });
});

describe('EventBridge Scheduler cron expressions', () => {
  it('read the six fields: minutes, hours, day-of-month, month, day-of-week, year', () => {
    assert.deepEqual(fires('cron(0 2 * * ? *)', 'UTC', '2025-01-01T03:00:00Z', 2), [
      '2025-01-02T02:00:00Z',
      '2025-01-03T02:00:00Z',
    ]);
    assert.deepEqual(fires('cron(0/15 * * * ? *)', 'UTC', '2025-01-01T10:07:00Z', 3), [
      '2025-01-01T10:15:00Z',
      '2025-01-01T10:30:00Z',
      '2025-01-01T10:45:00Z',
    ]);
    // 1/10: every tenth minute from the first (Scheduler's own example).
    assert.deepEqual(fires('cron(1/10 9 * * ? *)', 'UTC', '2025-01-01T09:05:00Z', 2), [
      '2025-01-01T09:11:00Z',
      '2025-01-01T09:21:00Z',
    ]);
    assert.deepEqual(fires('cron(0 8 1 * ? *)', 'UTC', '2025-01-15T00:00:00Z', 2), [
      '2025-02-01T08:00:00Z',
      '2025-03-01T08:00:00Z',
    ]);
  });

  it('number the days of the week 1 (SUN) to 7 (SAT), and read the names of days and months', () => {
    // 2025-01-01 is a Wednesday.
    assert.deepEqual(fires('cron(0 18 ? * MON-FRI *)', 'UTC', '2025-01-03T19:00:00Z', 2), [
      '2025-01-06T18:00:00Z',
      '2025-01-07T18:00:00Z',
    ]);
    assert.deepEqual(fires('cron(0 18 ? * 2-6 *)', 'UTC', '2025-01-03T19:00:00Z', 2), [
      '2025-01-06T18:00:00Z',
      '2025-01-07T18:00:00Z',
    ]);
    assert.deepEqual(fires('cron(0 9 ? * 1 *)', 'UTC', '2025-01-01T00:00:00Z', 1), ['2025-01-05T09:00:00Z']);
    assert.deepEqual(fires('cron(0 9 ? * sat *)', 'UTC', '2025-01-01T00:00:00Z', 1), [
      '2025-01-04T09:00:00Z',
    ]);
    assert.deepEqual(fires('cron(0 9 1 JAN,JUL ? *)', 'UTC', '2025-01-02T00:00:00Z', 2), [
      '2025-07-01T09:00:00Z',
      '2026-01-01T09:00:00Z',
    ]);
  });

  it('with ? in one day field, the other alone says which days', () => {
    // A * in day-of-month must not widen MON to every day, nor a 1 in day-of-month to every Monday.
    assert.deepEqual(fires('cron(0 9 * * ? *)', 'UTC', '2025-01-01T10:00:00Z', 1), ['2025-01-02T09:00:00Z']);
    assert.deepEqual(fires('cron(0 9 ? * MON *)', 'UTC', '2025-01-01T10:00:00Z', 2), [
      '2025-01-06T09:00:00Z',
      '2025-01-13T09:00:00Z',
    ]);
    assert.deepEqual(fires('cron(0 9 13 * ? *)', 'UTC', '2025-01-01T10:00:00Z', 2), [
      '2025-01-13T09:00:00Z',
      '2025-02-13T09:00:00Z',
    ]);
  });

  it('read L (last day of the month, last given weekday of the month, or Saturday alone in day-of-week)', () => {
    assert.deepEqual(fires('cron(0 9 L * ? *)', 'UTC', '2024-01-31T10:00:00Z', 3), [
      '2024-02-29T09:00:00Z',
      '2024-03-31T09:00:00Z',
      '2024-04-30T09:00:00Z',
    ]);
    // 6L: the last Friday of the month.
    assert.deepEqual(fires('cron(0 9 ? * 6L *)', 'UTC', '2025-01-01T00:00:00Z', 3), [
      '2025-01-31T09:00:00Z',
      '2025-02-28T09:00:00Z',
      '2025-03-28T09:00:00Z',
    ]);
    assert.deepEqual(fires('cron(0 9 ? * L *)', 'UTC', '2025-01-01T00:00:00Z', 2), [
      '2025-01-04T09:00:00Z',
      '2025-01-11T09:00:00Z',
    ]);
  });

  it('read W (the weekday nearest a day, within its month) and LW (the last weekday)', () => {
    // 15 Feb 2025 is a Saturday (→ Friday 14th), 15 Jun a Sunday (→ Monday 16th).
    assert.deepEqual(fires('cron(0 9 15W * ? *)', 'UTC', '2025-02-01T00:00:00Z', 1), [
      '2025-02-14T09:00:00Z',
    ]);
    assert.deepEqual(fires('cron(0 9 15W * ? *)', 'UTC', '2025-06-01T00:00:00Z', 1), [
      '2025-06-16T09:00:00Z',
    ]);
    // 1 Feb 2025 is a Saturday: 1W is Monday the 3rd, not Friday 31 January.
    assert.deepEqual(fires('cron(0 9 1W * ? *)', 'UTC', '2025-01-02T00:00:00Z', 1), ['2025-02-03T09:00:00Z']);
    // 31 May 2025 is a Saturday.
    assert.deepEqual(fires('cron(0 9 LW * ? *)', 'UTC', '2025-05-01T00:00:00Z', 1), ['2025-05-30T09:00:00Z']);
  });

  it('read # (the nth given weekday of the month): 3#2 is the second Tuesday', () => {
    assert.deepEqual(fires('cron(0 9 ? * 3#2 *)', 'UTC', '2025-01-01T00:00:00Z', 3), [
      '2025-01-14T09:00:00Z',
      '2025-02-11T09:00:00Z',
      '2025-03-11T09:00:00Z',
    ]);
    assert.deepEqual(fires('cron(0 9 ? * TUE#2 *)', 'UTC', '2025-01-01T00:00:00Z', 1), [
      '2025-01-14T09:00:00Z',
    ]);
  });

  it('keep to the years of the year field, and have no next fire once they are past', () => {
    assert.deepEqual(fires('cron(0 9 1 1 ? 2026-2027)', 'UTC', '2025-01-01T10:00:00Z', 5), [
      '2026-01-01T09:00:00Z',
      '2027-01-01T09:00:00Z',
    ]);
    assert.deepEqual(fires('cron(0 9 * * ? 2020)', 'UTC', '2025-01-01T00:00:00Z', 1), []);
  });

  it('refuse what Scheduler refuses, saying why', () => {
    refused('cron(0 9 * * *)', /6 fields .* not 5/);
    refused('cron(0 0 9 * * ? *)', /not 7/);
    refused('cron(0 9 * * * *)', /one of day-of-month and day-of-week must be \?/);
    refused('cron(0 9 ? * ? *)', /one of day-of-month and day-of-week must be \?/);
    refused('cron(0 9 1 * MON *)', /one of day-of-month and day-of-week must be \?/);
    refused('cron(60 9 * * ? *)', /60 is out of range in the minutes field \(0-59\)/);
    refused('cron(0 24 * * ? *)', /24 is out of range in the hours field/);
    refused('cron(0 9 32 * ? *)', /32 is out of range in the day-of-month field/);
    refused('cron(0 9 0 * ? *)', /0 is out of range in the day-of-month field/);
    refused('cron(0 9 * 13 ? *)', /13 is out of range in the month field/);
    refused('cron(0 9 ? * 0 *)', /0 is out of range in the day-of-week field \(1-7\)/);
    refused('cron(0 9 * * ? 1969)', /1969 is out of range in the year field \(1970-2199\)/);
    refused('cron(0 9 * * ? 2200)', /2200 is out of range in the year field/);
    refused('cron(0 9 ? * 3#1,6#3 *)', /one expression only/);
    refused('cron(0 9 ? * MON-FRI/2 *)', /'\/' is not allowed in the day-of-week field/);
    refused('cron(0 9 ? * +MON *)', /'\+' is not allowed in the day-of-week field/);
    refused('cron(0 L * * ? *)', /'L' is not allowed in the hours field/);
    refused('cron(0 9 1? * ? *)', /\? stands alone/);
    refused('cron(0 9 ? * 3#6 *)', /nth weekday/);
    refused('cron(0 9 5-1 * ? *)', /larger/);
    refused('cron(0 9 ? * FOO *)', /'F' is not allowed in the day-of-week field/);
  });
});

describe('EventBridge Scheduler one-time expressions', () => {
  it('fire once at the given local time of the schedule’s time zone', () => {
    assert.deepEqual(fires('at(2030-01-31T09:00:00)', 'Europe/London', '2025-01-01T00:00:00Z', 2), [
      '2030-01-31T09:00:00Z',
    ]);
    assert.deepEqual(fires('at(2030-07-31T09:00:00)', 'America/New_York', '2025-01-01T00:00:00Z', 2), [
      '2030-07-31T13:00:00Z',
    ]);
    assert.deepEqual(fires('at(2020-01-31T09:00:00)', 'UTC', '2025-01-01T00:00:00Z', 1), []);
  });

  it('refuse a date that does not exist, and other shapes', () => {
    refused('at(2030-02-30T09:00:00)', /2030-02-30T09:00:00 is not a date and time/);
    refused('at(2030-01-31 09:00)', /at\(yyyy-mm-ddThh:mm:ss\)/);
  });
});

describe('schedule expressions in general', () => {
  it('refuse anything but rate(), cron() and at(), and an unknown time zone', () => {
    for (const expression of ['daily', '@daily', 'cron 0 9 * * ? *', 'every(5 minutes)', '']) {
      refused(
        expression,
        /rate\(value unit\), cron\(minutes hours day-of-month month day-of-week year\) or at\(/,
      );
    }
    refused('rate(5 minutes)', /Unknown time zone 'Mars\/Olympus'/, 'Mars/Olympus');
  });

  it('every scheduled job of the manifest has an expression and time zone Scheduler accepts, and a next fire time', () => {
    assert.ok(scheduleFunctions.length > 0, 'the manifest has scheduled jobs');
    for (const job of scheduleFunctions) {
      const schedule = parseScheduleExpression(job.schedule.expression, job.schedule.timeZone);
      const now = Date.now();
      assert.ok((schedule.nextAfter(now, now) ?? 0) > now, job.name);
    }
  });
});

describe('daylight-saving changes, as EventBridge Scheduler documents them', () => {
  // Europe/London: clocks go forward at 01:00 GMT on 30 March 2025 and back at 02:00 BST on 26 October.
  // America/New_York: forward at 02:00 EST on 9 March 2025, back at 02:00 EDT on 2 November.

  it('skip a local time that does not exist on the spring-forward day', () => {
    assert.deepEqual(fires('cron(30 1 * * ? *)', 'Europe/London', '2025-03-28T12:00:00Z', 3), [
      '2025-03-29T01:30:00Z',
      '2025-03-31T00:30:00Z',
      '2025-04-01T00:30:00Z',
    ]);
    assert.deepEqual(fires('cron(30 2 * * ? *)', 'America/New_York', '2025-03-08T00:00:00Z', 2), [
      '2025-03-08T07:30:00Z',
      '2025-03-10T06:30:00Z',
    ]);
    // Every half hour: 01:00 and 01:30 do not exist in London that night; 02:00 BST follows 00:30 GMT.
    assert.deepEqual(fires('cron(0/30 * * * ? *)', 'Europe/London', '2025-03-30T00:15:00Z', 3), [
      '2025-03-30T00:30:00Z',
      '2025-03-30T01:00:00Z',
      '2025-03-30T01:30:00Z',
    ]);
  });

  it('fire a local time that occurs twice on the fall-back day once, at its first occurrence', () => {
    assert.deepEqual(fires('cron(30 1 * * ? *)', 'Europe/London', '2025-10-25T12:00:00Z', 2), [
      '2025-10-26T00:30:00Z',
      '2025-10-27T01:30:00Z',
    ]);
    assert.deepEqual(fires('cron(30 1 * * ? *)', 'America/New_York', '2025-11-01T12:00:00Z', 2), [
      '2025-11-02T05:30:00Z',
      '2025-11-03T06:30:00Z',
    ]);
    // Every half hour: the repeated 01:00 and 01:30 (GMT) are not fired again.
    assert.deepEqual(fires('cron(0/30 * * * ? *)', 'Europe/London', '2025-10-25T23:45:00Z', 4), [
      '2025-10-26T00:00:00Z',
      '2025-10-26T00:30:00Z',
      '2025-10-26T02:00:00Z',
      '2025-10-26T02:30:00Z',
    ]);
  });

  it('keep a local time on the wall clock across the change: 09:00 in New York is 14:00 UTC in winter, 13:00 in summer', () => {
    assert.deepEqual(fires('cron(0 9 ? * MON-FRI *)', 'America/New_York', '2025-03-07T00:00:00Z', 2), [
      '2025-03-07T14:00:00Z',
      '2025-03-10T13:00:00Z',
    ]);
    assert.deepEqual(fires('cron(0 9 ? * MON-FRI *)', 'Europe/London', '2025-10-24T00:00:00Z', 2), [
      '2025-10-24T08:00:00Z',
      '2025-10-27T09:00:00Z',
    ]);
  });
});
