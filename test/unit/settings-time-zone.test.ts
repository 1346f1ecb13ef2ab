import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'vitest';
import {
  canonicalTimeZone,
  defaultZoneHistory,
  settingsCacheSeconds,
  withZoneChange,
  zoneAt,
  zoneChangeDelaySeconds,
} from '../../functions/settings/time-zone';

afterEach(() => {
  delete process.env.TENANT_SETTINGS_CACHE_SECONDS;
});

describe('the tenant’s time zone', () => {
  it('takes IANA names in any case, keeps known aliases as written, refuses the rest', () => {
    assert.equal(canonicalTimeZone('Europe/Berlin'), 'Europe/Berlin');
    assert.equal(canonicalTimeZone('europe/berlin'), 'Europe/Berlin');
    assert.equal(canonicalTimeZone('UTC'), 'UTC');
    assert.equal(canonicalTimeZone('utc'), 'UTC');
    assert.equal(canonicalTimeZone('America/Argentina/Salta'), 'America/Argentina/Salta');
    assert.equal(canonicalTimeZone('Asia/Kolkata'), 'Asia/Kolkata');
    assert.equal(canonicalTimeZone('US/Pacific'), 'US/Pacific');
    // An alias the runtime does not list, all in one case: the runtime's own name for it; in
    // mixed case it cannot be told from a deliberate spelling, so it stays as written.
    assert.equal(canonicalTimeZone('us/pacific'), 'America/Los_Angeles');
    assert.equal(canonicalTimeZone('US/PACIFIC'), 'America/Los_Angeles');
    assert.equal(canonicalTimeZone('Us/Pacific'), 'Us/Pacific');
    for (const bad of [
      'Mars/Olympus',
      '+01:00',
      'Europe/',
      '',
      'Europe/Berlin\n',
      '../etc/passwd',
      'x'.repeat(80),
    ])
      assert.equal(canonicalTimeZone(bad), undefined, JSON.stringify(bad));
  });

  it('says which zone was in force when: the last span started at or before the moment', () => {
    const history = [
      { timeZone: 'UTC', from: '1970-01-01T00:00:00.000Z' },
      { timeZone: 'Europe/Berlin', from: '2026-03-01T00:00:00.000Z' },
      { timeZone: 'America/New_York', from: '2026-06-01T00:00:00.000Z' },
    ];
    assert.equal(zoneAt(history, '2025-01-01T00:00:00.000Z'), 'UTC');
    assert.equal(zoneAt(history, '2026-02-28T23:59:59.999Z'), 'UTC');
    assert.equal(zoneAt(history, '2026-03-01T00:00:00.000Z'), 'Europe/Berlin');
    assert.equal(zoneAt(history, '2027-01-01T00:00:00.000Z'), 'America/New_York');
    assert.equal(zoneAt([], '2027-01-01T00:00:00.000Z'), 'UTC');
  });

  it('appends a change that starts twice the cache time after the save, never moving an earlier one', () => {
    assert.equal(settingsCacheSeconds(), 60);
    assert.equal(zoneChangeDelaySeconds(), 120);
    const now = new Date('2026-05-01T10:00:00.000Z');
    const once = withZoneChange(defaultZoneHistory(), 'Europe/Berlin', now);
    assert.deepEqual(once.at(-1), { timeZone: 'Europe/Berlin', from: '2026-05-01T10:02:00.000Z' });
    assert.deepEqual(withZoneChange(once, 'Europe/Berlin', now), once, 'the same zone again changes nothing');
    // A second change before the first took effect still comes after it.
    const twice = withZoneChange(once, 'Asia/Tokyo', new Date('2026-05-01T09:00:00.000Z'));
    assert.deepEqual(twice.slice(0, 2), once);
    assert.equal(twice[2]?.from, '2026-05-01T10:02:00.001Z');
    process.env.TENANT_SETTINGS_CACHE_SECONDS = '0';
    assert.equal(withZoneChange(defaultZoneHistory(), 'Asia/Tokyo', now).at(-1)?.from, now.toISOString());
    process.env.TENANT_SETTINGS_CACHE_SECONDS = 'soon';
    assert.equal(settingsCacheSeconds(), 60);
  });
});
