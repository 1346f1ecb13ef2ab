/**
 * The wall clock of an IANA time zone, for the daylight-saving rules EventBridge Scheduler
 * documents: a local time that does not exist (spring forward) is skipped, and one that occurs
 * twice (fall back) runs once, at its first occurrence.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether the runtime knows the zone (Scheduler takes IANA names, as Intl does). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading at `ms` in `timeZone`, as if that reading were UTC (whole seconds). */
export function wallClockAt(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
}

/** No zone moves its clocks back by more than this (Troll's two hours is the most today). */
const LONGEST_FALL_BACK_MS = 3 * 3600_000;

/**
 * True when the wall-clock time at `ms` was already shown once before, because the clocks went
 * back in between: `ms` is the second pass through a repeated hour.
 */
export function isRepeatedWallTime(ms: number, timeZone: string): boolean {
  const offsetAt = (t: number) => wallClockAt(t, timeZone) - t;
  const offsetNow = offsetAt(ms);
  const offsetBefore = offsetAt(ms - LONGEST_FALL_BACK_MS);
  if (offsetBefore <= offsetNow) return false;
  // The same reading under the earlier, larger offset happened this much earlier.
  const earlier = ms - (offsetBefore - offsetNow);
  return wallClockAt(earlier, timeZone) === wallClockAt(ms, timeZone);
}
