import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { isTimeZone, localDate, offsetAt, wallClockAt } from '../../functions/shared/civil-time';

describe('civil time in IANA zones', () => {
  it('reads the offset either side of a daylight-saving change, east positive, whatever the milliseconds', () => {
    const hour = 3_600_000;
    // London springs forward at 01:00 UTC on 29 March 2026.
    assert.equal(offsetAt(Date.parse('2026-03-29T00:59:59.999Z'), 'Europe/London'), 0);
    assert.equal(offsetAt(Date.parse('2026-03-29T01:00:00.000Z'), 'Europe/London'), hour);
    assert.equal(offsetAt(Date.parse('2026-07-01T12:00:00.250Z'), 'America/New_York'), -4 * hour);
    assert.equal(offsetAt(Date.parse('2026-12-01T12:00:00Z'), 'Asia/Kolkata'), 5.5 * hour);
  });

  it('gives the wall clock as if it were UTC, in whole seconds', () => {
    assert.equal(
      new Date(wallClockAt(Date.parse('2026-10-25T00:30:00.999Z'), 'Europe/Berlin')).toISOString(),
      '2026-10-25T02:30:00.000Z',
    );
  });

  it('keeps early years as they are: no 1900s for years under 100, no Julian dates before 1582', () => {
    const year50 = new Date(0);
    year50.setUTCFullYear(50, 5, 1);
    assert.equal(wallClockAt(year50.getTime(), 'UTC'), year50.getTime());
    assert.equal(localDate(year50, 'UTC'), '0050-06-01');
    assert.equal(localDate('1500-01-01T12:00:00Z', 'UTC'), '1500-01-01');
  });

  it('dates an instant in the zone: the same instant is two dates in two places', () => {
    assert.equal(localDate('2026-07-31T22:30:00Z', 'Europe/Berlin'), '2026-08-01');
    assert.equal(localDate('2026-07-31T22:30:00Z', 'America/Los_Angeles'), '2026-07-31');
  });

  it('knows IANA zones and refuses anything else', () => {
    assert.equal(isTimeZone('Europe/London'), true);
    assert.equal(isTimeZone('Mars/Olympus_Mons'), false);
    assert.equal(isTimeZone(''), false);
  });
});
