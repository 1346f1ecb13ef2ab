import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { cronProblem, DEFAULT_CRON, nextOccurrence } from '../../functions/analysis/schedule/cron';
import { dueBound, dueKey } from '../../functions/analysis/schedule/keys';
import { AnalysisScheduleSchema, DEFAULT_ANALYSIS_SCHEDULE } from '../../functions/analysis/schedule/setting';

/**
 * The analysis schedule's cron, read on the tenant's wall clock: which crons are accepted, when
 * each next fires across zones and daylight-saving changes, and how due entries sort.
 */
describe('the analysis schedule’s cron', () => {
  it('fires nightly at 02:00 by default, on the tenant’s wall clock', () => {
    assert.equal(DEFAULT_CRON, '0 2 * * *');
    assert.deepEqual(DEFAULT_ANALYSIS_SCHEDULE, { enabled: true, cron: '0 2 * * *' });
    const after = new Date('2026-01-15T12:00:00.000Z');
    assert.equal(nextOccurrence(DEFAULT_CRON, 'UTC', after), '2026-01-16T02:00:00.000Z');
    // Berlin is UTC+1 in January, New York UTC−5, Tokyo UTC+9 (02:00 on the 16th there is 17:00 UTC on the 15th).
    assert.equal(nextOccurrence(DEFAULT_CRON, 'Europe/Berlin', after), '2026-01-16T01:00:00.000Z');
    assert.equal(nextOccurrence(DEFAULT_CRON, 'America/New_York', after), '2026-01-16T07:00:00.000Z');
    assert.equal(nextOccurrence(DEFAULT_CRON, 'Asia/Tokyo', after), '2026-01-15T17:00:00.000Z');
  });

  it('is strictly after the moment asked about, so a run at its due time moves on to the next one', () => {
    const due = '2026-01-16T02:00:00.000Z';
    assert.equal(nextOccurrence(DEFAULT_CRON, 'UTC', new Date(due)), '2026-01-17T02:00:00.000Z');
    assert.equal(nextOccurrence(DEFAULT_CRON, 'UTC', new Date(Date.parse(due) - 1)), due);
  });

  it('makes up no missed occurrence: after a week away, the next is from now', () => {
    const back = new Date('2026-02-10T09:00:00.000Z');
    assert.equal(nextOccurrence(DEFAULT_CRON, 'UTC', back), '2026-02-11T02:00:00.000Z');
  });

  it('follows daylight saving: the same wall-clock time, another UTC time', () => {
    // Berlin: CET (UTC+1) until 29 March 2026, CEST (UTC+2) after.
    const cron = '30 3 * * *';
    assert.equal(
      nextOccurrence(cron, 'Europe/Berlin', new Date('2026-03-27T12:00:00Z')),
      '2026-03-28T02:30:00.000Z',
    );
    assert.equal(
      nextOccurrence(cron, 'Europe/Berlin', new Date('2026-03-29T12:00:00Z')),
      '2026-03-30T01:30:00.000Z',
    );
  });

  it('runs a night whose 02:00 the clocks skip at the first minute after the gap, not a day late', () => {
    // 29 March 2026 in Berlin goes from 02:00 CET straight to 03:00 CEST (01:00 UTC).
    assert.equal(
      nextOccurrence(DEFAULT_CRON, 'Europe/Berlin', new Date('2026-03-28T12:00:00Z')),
      '2026-03-29T01:00:00.000Z',
    );
  });

  it('runs once a night whose 02:30 the clocks show twice', () => {
    // 25 October 2026 in Berlin: 02:00–03:00 CEST (00:00–01:00 UTC), then again in CET (01:00–02:00 UTC).
    const cron = '30 2 * * *';
    const first = nextOccurrence(cron, 'Europe/Berlin', new Date('2026-10-24T12:00:00Z'));
    assert.equal(first, '2026-10-25T00:30:00.000Z');
    const second = nextOccurrence(cron, 'Europe/Berlin', new Date(first as string));
    assert.equal(second, '2026-10-26T01:30:00.000Z', 'the next night, not the repeated hour');
  });

  it('reads day-of-week and day-of-month as classic cron does (Sunday is 0)', () => {
    const after = new Date('2026-01-01T00:00:00Z'); // a Thursday
    assert.equal(nextOccurrence('0 6 * * 1', 'UTC', after), '2026-01-05T06:00:00.000Z', 'Monday');
    assert.equal(nextOccurrence('0 6 * * 0', 'UTC', after), '2026-01-04T06:00:00.000Z', 'Sunday');
    assert.equal(nextOccurrence('15 4 1 * *', 'UTC', after), '2026-01-01T04:15:00.000Z', 'the 1st');
    assert.equal(
      nextOccurrence('15 4 1 * *', 'UTC', new Date('2026-01-01T04:15:00Z')),
      '2026-02-01T04:15:00.000Z',
      'the next 1st',
    );
  });

  it('accepts at most hourly crons of five fields that can fire, and says why it refuses one', () => {
    for (const ok of ['0 2 * * *', '45 */6 * * *', '0 1 * * 1-5', '5 3 1,15 * *', '0 0 29 2 *'])
      assert.equal(cronProblem(ok), undefined, ok);
    const refused: [string, RegExp][] = [
      ['0 2 * *', /5 fields/],
      ['0 0 2 * * *', /5 fields/],
      ['*/5 * * * *', /at most once an hour/],
      ['0,30 2 * * *', /at most once an hour/],
      ['* 2 * * *', /at most once an hour/],
      ['0 25 * * *', /is not a cron/],
      ['0 2 * * funday', /is not a cron/],
      ['0 2 30 2 *', /never runs/],
    ];
    for (const [cron, why] of refused) assert.match(cronProblem(cron) ?? '', why, cron);
  });

  it('is validated by the setting’s schema, in one spelling', () => {
    const parsed = AnalysisScheduleSchema.safeParse({ enabled: true, cron: '  0   3 * *  * ' });
    assert.ok(parsed.success);
    assert.deepEqual(parsed.data, { enabled: true, cron: '0 3 * * *' });
    const bad = AnalysisScheduleSchema.safeParse({ enabled: true, cron: '*/5 * * * *' });
    assert.ok(!bad.success);
    assert.match(bad.error.issues[0]?.message ?? '', /at most once an hour/);
    assert.ok(!AnalysisScheduleSchema.safeParse({ cron: '0 2 * * *' }).success, 'enabled is required');
    assert.ok(!AnalysisScheduleSchema.safeParse({ enabled: true, cron: '0 2 * * *', at: 1 }).success);
  });
});

describe('the due entries', () => {
  it('sort by due time, and the bound of "due now" takes every entry due at or before now and none after', () => {
    const now = new Date('2026-01-16T02:00:00.000Z');
    const keys = [
      dueKey('2026-01-16T01:59:59.999Z', 'zeta').sk,
      dueKey('2026-01-16T02:00:00.000Z', 'alpha').sk,
      dueKey('2026-01-16T02:00:00.000Z', 'zz-tenant-with-a-long-name').sk,
      dueKey('2026-01-16T02:00:00.001Z', 'aaa').sk,
    ];
    assert.deepEqual([...keys].sort(), keys, 'time first, then tenant');
    const bound = dueBound(now);
    assert.deepEqual(
      keys.map((sk) => sk < bound),
      [true, true, true, false],
    );
    assert.equal(dueKey('2026-01-16T02:00:00.000Z', 't1').pk, 'SYS#ANALYSIS_DUE');
  });
});
