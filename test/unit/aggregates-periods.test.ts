import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  addDays,
  addMonths,
  daysBetween,
  isoWeek,
  periodOfDate,
  periodSpan,
  periodsOf,
} from '../../functions/aggregates/periods';
import { localDate } from '../../functions/shared/civil-time';

describe('periods cut in a time zone', () => {
  it('puts the last half hour before midnight in Berlin on the next day, in winter and in summer', () => {
    assert.deepEqual(periodsOf('2026-01-31T23:30:00.000Z', 'Europe/Berlin'), {
      day: '2026-02-01',
      week: '2026-W05',
      month: '2026-02',
    });
    assert.deepEqual(periodsOf('2026-01-31T23:30:00.000Z', 'UTC'), {
      day: '2026-01-31',
      week: '2026-W05',
      month: '2026-01',
    });
    // Summer time: +02:00, so 22:30 UTC is already tomorrow.
    assert.equal(localDate('2026-07-31T22:30:00.000Z', 'Europe/Berlin'), '2026-08-01');
    assert.equal(localDate('2026-07-31T21:59:59.999Z', 'Europe/Berlin'), '2026-07-31');
  });

  it('follows the clocks across the spring-forward night (Berlin 29 March 2026: 02:00 → 03:00)', () => {
    // 00:30 at +01:00 on the 29th, and a day later 00:30 at +02:00 on the 30th: the day is 23 hours long.
    assert.equal(localDate('2026-03-28T23:30:00.000Z', 'Europe/Berlin'), '2026-03-29');
    assert.equal(localDate('2026-03-29T21:59:59.000Z', 'Europe/Berlin'), '2026-03-29');
    assert.equal(localDate('2026-03-29T22:00:00.000Z', 'Europe/Berlin'), '2026-03-30');
    // The hour that does not exist (02:xx local) is still the 29th.
    assert.equal(localDate('2026-03-29T01:30:00.000Z', 'Europe/Berlin'), '2026-03-29');
  });

  it('follows the clocks across the fall-back night (New York 1 November 2026: 02:00 → 01:00)', () => {
    // EDT (-4) until 06:00 UTC, then EST (-5): the 1st is 25 hours long.
    assert.equal(localDate('2026-11-01T03:59:59.000Z', 'America/New_York'), '2026-10-31');
    assert.equal(localDate('2026-11-01T04:00:00.000Z', 'America/New_York'), '2026-11-01');
    // Both 01:30s of the repeated hour are on the 1st.
    assert.equal(localDate('2026-11-01T05:30:00.000Z', 'America/New_York'), '2026-11-01');
    assert.equal(localDate('2026-11-01T06:30:00.000Z', 'America/New_York'), '2026-11-01');
    assert.equal(localDate('2026-11-02T04:59:59.000Z', 'America/New_York'), '2026-11-01');
    assert.equal(localDate('2026-11-02T05:00:00.000Z', 'America/New_York'), '2026-11-02');
  });

  it('handles zones a quarter or half an hour off, and the far side of the date line', () => {
    assert.equal(localDate('2026-05-31T18:15:00.000Z', 'Asia/Kathmandu'), '2026-06-01'); // +05:45
    assert.equal(localDate('2026-05-31T18:14:59.000Z', 'Asia/Kathmandu'), '2026-05-31');
    assert.equal(localDate('2026-12-31T10:00:00.000Z', 'Pacific/Kiritimati'), '2027-01-01'); // +14
    assert.equal(localDate('2027-01-01T10:59:00.000Z', 'Pacific/Pago_Pago'), '2026-12-31'); // -11
  });

  it('numbers ISO weeks across the new year: week 1 holds the first Thursday, weeks start on Monday', () => {
    // 2026 starts on a Thursday: it has 53 weeks, and 1–3 January 2027 are in its last.
    assert.equal(isoWeek('2026-01-01'), '2026-W01');
    assert.equal(isoWeek('2025-12-29'), '2026-W01');
    assert.equal(isoWeek('2025-12-28'), '2025-W52');
    assert.equal(isoWeek('2026-12-31'), '2026-W53');
    assert.equal(isoWeek('2027-01-03'), '2026-W53');
    assert.equal(isoWeek('2027-01-04'), '2027-W01');
    // 2024-12-30 (a Monday) is already in 2025's first week.
    assert.equal(isoWeek('2024-12-30'), '2025-W01');
    assert.equal(isoWeek('2021-01-03'), '2020-W53');
    assert.equal(isoWeek('2020-02-29'), '2020-W09');
  });

  it('puts a Sunday-night order in UTC’s last week of the year and in Berlin’s first week of the next', () => {
    const at = '2027-01-03T23:30:00.000Z';
    assert.equal(periodsOf(at, 'UTC').week, '2026-W53');
    assert.deepEqual(periodsOf(at, 'Europe/Berlin'), {
      day: '2027-01-04',
      week: '2027-W01',
      month: '2027-01',
    });
  });

  it('writes periods that sort as text in time order', () => {
    const days = Array.from({ length: 800 }, (_, i) => addDays('2025-06-01', i));
    for (const kind of ['day', 'week', 'month'] as const) {
      const periods = days.map((day) => periodOfDate(kind, day));
      assert.deepEqual(periods, [...periods].sort(), kind);
    }
  });

  it('counts calendar days and months, and spans a range of days with whole periods', () => {
    assert.equal(addDays('2026-02-28', 1), '2026-03-01');
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
    assert.equal(daysBetween('2026-01-01', '2027-01-01'), 365);
    assert.equal(daysBetween('2026-03-02', '2026-03-01'), -1);
    assert.equal(addMonths('2026-11-15', 2), '2027-01-01');
    assert.equal(addMonths('2026-01-31', -1), '2025-12-01');
    // Four-digit years, as ISO 8601 writes them, even before the year 1000.
    assert.equal(addMonths('1000-01-01', -1), '0999-12-01');
    assert.deepEqual(periodSpan('month', '2026-01-15', '2026-03-01'), { first: '2026-01', last: '2026-02' });
    assert.deepEqual(periodSpan('week', '2026-12-30', '2027-01-05'), { first: '2026-W53', last: '2027-W01' });
    assert.deepEqual(periodSpan('day', '2026-12-30', '2026-12-31'), {
      first: '2026-12-30',
      last: '2026-12-30',
    });
  });
});
