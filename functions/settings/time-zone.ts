/**
 * The tenant's time zone, as plain data: which IANA zones are accepted, and which zone was in
 * force at a given moment. Reports cut their periods (day, week, month) in it.
 *
 * A change does not re-cut what is already counted: each record is counted in the zone in force at
 * its own last change (`zoneAt(history, record.updatedAt)`), so the aggregator subtracts a record's
 * old contribution from exactly the periods it added it to, whenever the zone changed in between
 * (functions/aggregates/contributions.ts). A change takes effect a little after it is saved
 * (`ZONE_CHANGE_DELAY_SECONDS`), later than any aggregator's cached copy of the setting can be stale,
 * so that every aggregator reads the same history for every record.
 */
export const DEFAULT_TIME_ZONE = 'UTC';

/** A zone and the moment from which records changed are counted in it. */
export interface ZoneSpan {
  timeZone: string;
  /** ISO 8601 UTC. */
  from: string;
}

/** The zones in force over time, oldest first; the first starts at the epoch. */
export type ZoneHistory = readonly ZoneSpan[];

export const EPOCH = '1970-01-01T00:00:00.000Z';

export const defaultZoneHistory = (): ZoneSpan[] => [{ timeZone: DEFAULT_TIME_ZONE, from: EPOCH }];

/**
 * At most this many changes are kept, and so allowed: the history must hold every span a record
 * may have been counted in, and the setting is one small item read by every aggregator.
 */
export const MAX_ZONE_CHANGES = 100;

/**
 * How long the aggregator keeps a tenant's setting before reading it again (environment
 * `TENANT_SETTINGS_CACHE_SECONDS`, default 60; tests of the twin set 0). A change takes effect
 * twice that after it is saved, so no aggregator can still hold the old history when a record
 * changed after the new zone's start reaches it.
 */
export function settingsCacheSeconds(): number {
  const value = Number(process.env.TENANT_SETTINGS_CACHE_SECONDS ?? 60);
  return Number.isFinite(value) && value >= 0 ? value : 60;
}
export const zoneChangeDelaySeconds = () => 2 * settingsCacheSeconds();

/** Area/Location names as IANA writes them (`Europe/Berlin`, `America/Argentina/Salta`, `UTC`); no offsets. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]{0,30}(?:\/[A-Za-z0-9_+-]{1,30}){0,2}$/;

/**
 * The zone's name as stored, or undefined when the runtime's time zone database does not know it.
 * Case is corrected (`europe/berlin` → `Europe/Berlin`); a known alias (`Asia/Kolkata`, `US/Pacific`)
 * is kept as written.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (!ZONE_NAME.test(name)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  if (resolved.toLowerCase() === name.toLowerCase()) return resolved;
  const listed = KNOWN_ZONES.get(name.toLowerCase());
  if (listed) return listed;
  // An alias in the wrong case: the runtime's own name for it.
  return name === name.toLowerCase() || name === name.toUpperCase() ? resolved : name;
}

const KNOWN_ZONES = new Map(Intl.supportedValuesOf('timeZone').map((zone) => [zone.toLowerCase(), zone]));

/** The zone in force at `at` (ISO 8601): the last span that started at or before it. */
export function zoneAt(history: ZoneHistory, at: string): string {
  const ms = Date.parse(at);
  let zone = history[0]?.timeZone ?? DEFAULT_TIME_ZONE;
  for (const span of history) {
    if (Date.parse(span.from) <= ms) zone = span.timeZone;
    else break;
  }
  return zone;
}

/**
 * The history after a save of `timeZone` at `now`: unchanged when the zone last saved is the same,
 * else a new span appended, starting `zoneChangeDelaySeconds()` from now. Spans are never removed
 * or moved, not even one that has not started yet: an aggregator may hold it already.
 */
export function withZoneChange(history: ZoneHistory, timeZone: string, now: Date): ZoneSpan[] {
  const last = history.at(-1);
  if (last?.timeZone === timeZone) return [...history];
  const startMs = Math.max(
    now.getTime() + zoneChangeDelaySeconds() * 1000,
    last ? Date.parse(last.from) + 1 : 0,
  );
  return [...history, { timeZone, from: new Date(startMs).toISOString() }];
}
