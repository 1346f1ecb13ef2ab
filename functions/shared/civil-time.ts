/**
 * Civil time: what the clocks of an IANA time zone read at an instant, from the runtime's own
 * time-zone database (Intl), with no date library. One formatter per zone, made once: building an
 * Intl.DateTimeFormat costs far more than using one. The ISO calendar, so that dates agree with
 * JavaScript's proleptic Gregorian `Date` before 1582 too. Used by the sales periods, the history
 * import's local times and the twin's scheduler.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'iso8601',
      numberingSystem: 'latn',
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

/** Whether the runtime knows `timeZone` as an IANA zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading at the instant `ms` in `timeZone`, written as if it were UTC (whole seconds). */
export function wallClockAt(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const { type, value } of formatterOf(timeZone).formatToParts(ms))
    if (type !== 'literal') parts[type] = Number(value);
  const wall = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  wall.setUTCFullYear(parts.year as number, (parts.month as number) - 1, parts.day);
  wall.setUTCHours(parts.hour as number, parts.minute, parts.second, 0);
  return wall.getTime();
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
export function offsetAt(ms: number, timeZone: string): number {
  const wholeSecond = ms - (((ms % 1000) + 1000) % 1000);
  return wallClockAt(ms, timeZone) - wholeSecond;
}

/** The calendar date (`YYYY-MM-DD`) that the instant `at` falls on in `timeZone`. */
export function localDate(at: string | number | Date, timeZone: string): string {
  const wall = new Date(wallClockAt(new Date(at).getTime(), timeZone));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${String(wall.getUTCFullYear()).padStart(4, '0')}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
}
