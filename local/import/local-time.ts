import { offsetAt } from '../../functions/shared/civil-time';

/**
 * Dates and times as a CSV writes them — a pattern such as `YYYY-MM-DD HH:mm:ss` or
 * `M/D/YYYY H:mm`, in the wall-clock time of a place — turned into instants (ISO 8601, UTC) with
 * the runtime's own time-zone data (Intl), no date library.
 *
 * Pattern tokens: `YYYY` year; `MM`/`M` month; `DD`/`D` day; `HH`/`H` hour (0–23); `mm` minute;
 * `ss` second; `SSS` milliseconds; anything else is literal. The one-letter forms take one or two
 * digits. `ISO` takes ISO 8601 (`2010-12-01T08:26:00`, with `Z` or an offset meaning that instant,
 * without one meaning wall-clock time in the zone).
 *
 * Wall-clock times that happen twice or never, at daylight-saving changes, are resolved as
 * Temporal's `compatible` disambiguation does: the earlier of two (the first 01:30 of a night
 * when clocks go back), and a time skipped when clocks go forward is moved forward by the gap
 * (02:30 on the last Sunday of March in London is 03:30 BST).
 */

const TOKENS = /YYYY|SSS|MM|DD|HH|mm|ss|M|D|H/g;
type Part = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond';
const TOKEN_PARTS: Record<string, { part: Part; digits: string }> = {
  YYYY: { part: 'year', digits: '(\\d{4})' },
  MM: { part: 'month', digits: '(\\d{2})' },
  M: { part: 'month', digits: '(\\d{1,2})' },
  DD: { part: 'day', digits: '(\\d{2})' },
  D: { part: 'day', digits: '(\\d{1,2})' },
  HH: { part: 'hour', digits: '(\\d{2})' },
  H: { part: 'hour', digits: '(\\d{1,2})' },
  mm: { part: 'minute', digits: '(\\d{2})' },
  ss: { part: 'second', digits: '(\\d{2})' },
  SSS: { part: 'millisecond', digits: '(\\d{3})' },
};

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export interface DatePattern {
  source: string;
  regex: RegExp;
  parts: Part[];
}

/** A compiled pattern, or throws naming what is wrong with it (the mapping's load reports it). */
export function datePattern(pattern: string): DatePattern {
  if (pattern === 'ISO') {
    return {
      source: pattern,
      regex:
        /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?(Z|[+-]\d{2}:?\d{2})?$/,
      parts: ['year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond'],
    };
  }
  const parts: Part[] = [];
  let regex = '';
  let last = 0;
  for (const match of pattern.matchAll(TOKENS)) {
    regex += escapeRegex(pattern.slice(last, match.index));
    const token = TOKEN_PARTS[match[0]] as (typeof TOKEN_PARTS)[string];
    if (parts.includes(token.part))
      throw new Error(`the date pattern '${pattern}' names the ${token.part} twice`);
    parts.push(token.part);
    regex += token.digits;
    last = match.index + match[0].length;
  }
  regex += escapeRegex(pattern.slice(last));
  for (const needed of ['year', 'month', 'day'] as const)
    if (!parts.includes(needed))
      throw new Error(`the date pattern '${pattern}' has no ${needed} (YYYY, MM, DD)`);
  return { source: pattern, regex: new RegExp(`^${regex}$`), parts };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The wall-clock time `text` spells in `pattern` (plus the offset an ISO text carries), or why not. */
export function readWallTime(
  text: string,
  pattern: DatePattern,
): { wall: WallTime; offset?: string } | string {
  const match = pattern.regex.exec(text.trim());
  if (!match) return `'${text}' does not match the date pattern '${pattern.source}'`;
  const wall: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 };
  pattern.parts.forEach((part, i) => {
    const digits = match[i + 1];
    if (digits !== undefined) wall[part] = Number(part === 'millisecond' ? digits.padEnd(3, '0') : digits);
  });
  const problem = invalidWallTime(wall);
  if (problem) return `'${text}' is not a date: ${problem}`;
  const offset = pattern.source === 'ISO' ? match[8] : undefined;
  return offset ? { wall, offset } : { wall };
}

function invalidWallTime(w: WallTime): string | undefined {
  if (w.month < 1 || w.month > 12) return `month ${w.month}`;
  const daysInMonth = new Date(Date.UTC(w.year, w.month, 0)).getUTCDate();
  if (w.day < 1 || w.day > daysInMonth) return `day ${w.day} of month ${w.month}`;
  if (w.hour > 23) return `hour ${w.hour}`;
  if (w.minute > 59) return `minute ${w.minute}`;
  if (w.second > 59) return `second ${w.second}`;
  return undefined;
}

/** `YYYY-MM-DD` of a wall time (a date needs no zone). */
export function isoDate(wall: WallTime): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** The instant of a wall-clock time in an IANA zone (or at an explicit offset), as ISO 8601 UTC. */
export function instantOf(wall: WallTime, timeZone: string, offset?: string): string {
  const asUtc = wallAsUtc(wall);
  if (offset !== undefined) {
    if (offset === 'Z') return new Date(asUtc).toISOString();
    const [, sign, hours, minutes] = /^([+-])(\d{2}):?(\d{2})$/.exec(offset) as RegExpExecArray;
    const minutesEast = (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
    return new Date(asUtc - minutesEast * 60_000).toISOString();
  }
  return new Date(zonedToUtc(asUtc, timeZone)).toISOString();
}

function wallAsUtc(w: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(w.year, w.month - 1, w.day);
  date.setUTCHours(w.hour, w.minute, w.second, w.millisecond);
  return date.getTime();
}

const DAY = 86_400_000;

/** UTC milliseconds of the wall-clock time `wallMs` (written as if it were UTC) in `timeZone`. */
export function zonedToUtc(wallMs: number, timeZone: string): number {
  // The offsets a day either side: real zones change offset at most once in two days.
  const before = offsetAt(wallMs - DAY, timeZone);
  const after = offsetAt(wallMs + DAY, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wallMs - offset)
    .filter((instant) => wallMs - offsetAt(instant, timeZone) === instant);
  if (candidates.length) return Math.min(...candidates); // twice: the earlier
  return wallMs - before; // never (a gap): moved forward by the gap
}
