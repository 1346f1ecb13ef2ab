import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { weeklySeries } from '../../functions/analysis/trends/series';
import {
  addWeeks,
  lastCompleteWeek,
  mondayOf,
  nextWeek,
  weekOf,
  weeksBetween,
} from '../../functions/analysis/trends/weeks';

describe('ISO weeks for the trends', () => {
  it('puts an instant in the week of its local date in the zone', () => {
    // Sunday 23:30 UTC is already Monday in Berlin: the next week.
    assert.equal(weekOf('2026-03-01T23:30:00.000Z', 'UTC'), '2026-W09');
    assert.equal(weekOf('2026-03-01T23:30:00.000Z', 'Europe/Berlin'), '2026-W10');
    assert.equal(weekOf('2027-01-01T12:00:00.000Z', 'UTC'), '2026-W53');
  });

  it('names the Monday of a week, across year ends and 53-week years', () => {
    assert.equal(mondayOf('2026-W01'), '2025-12-29');
    assert.equal(mondayOf('2026-W53'), '2026-12-28');
    assert.equal(mondayOf('2027-W01'), '2027-01-04');
    assert.equal(mondayOf('2021-W01'), '2021-01-04');
    assert.equal(mondayOf('2020-W53'), '2020-12-28');
    assert.throws(() => mondayOf('2025-W53'), /No such ISO week/);
    assert.throws(() => mondayOf('2025-13'), /Not an ISO week/);
  });

  it('counts weeks forwards and backwards over year ends', () => {
    assert.equal(nextWeek('2026-W52'), '2026-W53');
    assert.equal(nextWeek('2026-W53'), '2027-W01');
    assert.equal(nextWeek('2025-W52'), '2026-W01');
    assert.equal(addWeeks('2027-W02', -3), '2026-W52');
    // 2026 has 53 weeks: three times 52 weeks falls one week short of the same week number.
    assert.equal(addWeeks('2024-W10', 52 * 3), '2027-W09');
    assert.equal(weeksBetween('2025-W50', '2027-W01'), 56);
    assert.equal(weeksBetween('2027-W01', '2025-W50'), -56);
    // Every week from 2019 to 2031 is one after the other.
    let week = '2019-W01';
    for (let i = 1; i < 52 * 12; i++) {
      const next = nextWeek(week);
      assert.equal(weeksBetween(week, next), 1);
      assert.ok(next > week);
      week = next;
    }
  });

  it('takes the last complete week as the one before the week under way', () => {
    assert.equal(lastCompleteWeek('2026-03-04T10:00:00.000Z', 'UTC'), '2026-W09');
    // Monday 00:30 in Berlin: the new week has begun there, so last week is complete.
    assert.equal(lastCompleteWeek('2026-03-01T23:30:00.000Z', 'Europe/Berlin'), '2026-W09');
    assert.equal(lastCompleteWeek('2026-03-01T23:30:00.000Z', 'UTC'), '2026-W08');
  });
});

describe('a weekly series from counts per week', () => {
  it('fills missing weeks with 0 and ignores weeks after the last complete one', () => {
    assert.deepEqual(
      weeklySeries('type:repair', { '2026-W52': 3, '2027-W02': 1, '2027-W05': 9 }, '2027-W03'),
      {
        key: 'type:repair',
        firstWeek: '2026-W52',
        counts: [3, 0, 0, 1, 0],
      },
    );
  });

  it('starts at firstWeek when given, and keeps only the latest maxWeeks', () => {
    assert.deepEqual(
      weeklySeries('k', { '2026-W10': 2 }, '2026-W11', { firstWeek: '2026-W08' }).counts,
      [0, 0, 2, 0],
    );
    assert.deepEqual(
      weeklySeries('k', { '2026-W01': 5, '2026-W09': 4, '2026-W10': 2 }, '2026-W10', { maxWeeks: 3 }),
      {
        key: 'k',
        firstWeek: '2026-W08',
        counts: [0, 4, 2],
      },
    );
    assert.deepEqual(weeklySeries('k', {}, '2026-W10'), { key: 'k', firstWeek: '2026-W10', counts: [0] });
  });
});
