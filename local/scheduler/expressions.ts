import { Cron } from 'croner';
import { isTimeZone } from '../../functions/shared/civil-time';
import { isRepeatedWallTime } from './wall-clock';

/**
 * EventBridge Scheduler's schedule expressions, read as Scheduler reads them, turned into fire
 * times: `rate(5 minutes)`, `cron(minutes hours day-of-month month day-of-week year)` and
 * `at(yyyy-mm-ddThh:mm:ss)`, the last two in the schedule's IANA time zone.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 *
 * Cron evaluation is croner's (calendar, time zones, L, W, #, year); this file only maps
 * Scheduler's dialect onto it and refuses what Scheduler refuses, so an expression that passes
 * here does not fail the deployment.
 */

export class ScheduleExpressionError extends Error {
  override name = 'ScheduleExpressionError';
}

export interface ScheduleExpression {
  readonly expression: string;
  readonly timeZone: string;
  /**
   * The first fire time strictly after `afterMs`, or undefined when there is none (an `at()` or a
   * year that has passed). Rate schedules count from `startedAtMs`, the scheduler's start.
   */
  nextAfter(afterMs: number, startedAtMs: number): number | undefined;
}

const SYNTAX =
  'a schedule expression is rate(value unit), cron(minutes hours day-of-month month day-of-week year) or at(yyyy-mm-ddThh:mm:ss)';

export function parseScheduleExpression(expression: string, timeZone: string): ScheduleExpression {
  const fail = (reason: string): never => {
    throw new ScheduleExpressionError(`Invalid schedule expression '${expression}': ${reason}.`);
  };
  if (!isTimeZone(timeZone)) {
    throw new ScheduleExpressionError(
      `Unknown time zone '${timeZone}': use an IANA name such as Europe/London.`,
    );
  }
  const match = /^(rate|cron|at)\((.*)\)$/s.exec(expression);
  if (!match) return fail(SYNTAX);
  const [, kind, body = ''] = match;
  if (kind === 'rate') return rateExpression(expression, timeZone, body, fail);
  const pattern = kind === 'cron' ? cronPattern(body, fail) : atPattern(body, fail);
  return calendarExpression(expression, timeZone, pattern, fail);
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * A day is 24 hours here whatever the clocks do: Scheduler evaluates a rate in elapsed time, so
 * it drifts against the wall clock across a daylight-saving change.
 */
function rateExpression(
  expression: string,
  timeZone: string,
  body: string,
  fail: (reason: string) => never,
): ScheduleExpression {
  const [value = '', unit = '', ...rest] = body.trim().split(/\s+/);
  if (rest.length || !unit) fail('a rate is rate(value unit), for example rate(5 minutes)');
  if (!/^[1-9]\d*$/.test(value)) fail(`the value of a rate is a positive whole number, not '${value}'`);
  const singular = unit.replace(/s$/, '') as keyof typeof UNIT_MS;
  if (!(singular in UNIT_MS)) fail(`the unit of a rate is minute(s), hour(s) or day(s), not '${unit}'`);
  // Scheduler's own rule: rate(1 hours) and rate(5 hour) are both refused.
  if (value === '1' && unit !== singular) fail(`a value of 1 takes the singular: rate(1 ${singular})`);
  if (value !== '1' && unit === singular)
    fail(`a value above 1 takes the plural: rate(${value} ${singular}s)`);
  const periodMs = Number(value) * UNIT_MS[singular];
  return {
    expression,
    timeZone,
    // From the start, not from the previous fire: the n-th occurrence is start + n periods, so
    // a late fire shifts nothing after it.
    nextAfter: (afterMs, startedAtMs) =>
      startedAtMs + periodMs * Math.max(1, Math.floor((afterMs - startedAtMs) / periodMs) + 1),
  };
}

/** Scheduler's fields, their values and the characters each may hold besides digits and names. */
const FIELDS = [
  { name: 'minutes', min: 0, max: 59, special: ',-*/' },
  { name: 'hours', min: 0, max: 23, special: ',-*/' },
  { name: 'day-of-month', min: 1, max: 31, special: ',-*?/LW' },
  {
    name: 'month',
    min: 1,
    max: 12,
    special: ',-*/',
    names: /JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC/gi,
  },
  { name: 'day-of-week', min: 1, max: 7, special: ',-*?L#', names: /SUN|MON|TUE|WED|THU|FRI|SAT/gi },
  { name: 'year', min: 1970, max: 2199, special: ',-*/' },
] as const;

function cronPattern(body: string, fail: (reason: string) => never): string {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    fail(`cron takes 6 fields (minutes hours day-of-month month day-of-week year), not ${fields.length}`);
  }
  fields.forEach((field, i) => {
    const spec = FIELDS[i] as (typeof FIELDS)[number];
    const bare = 'names' in spec ? field.replace(spec.names, '') : field;
    const stray = [...bare].find((c) => !/\d/.test(c) && !spec.special.includes(c.toUpperCase()));
    if (stray !== undefined) fail(`'${stray}' is not allowed in the ${spec.name} field ('${field}')`);
    // Numbers that are values, not steps (after /) or occurrences (after #), must be in range.
    for (const number of bare.matchAll(/(?<![/#\d])\d+/g)) {
      const value = Number(number[0]);
      if (value < spec.min || value > spec.max) {
        fail(`${value} is out of range in the ${spec.name} field (${spec.min}-${spec.max})`);
      }
    }
    if (field.includes('?') && field !== '?') fail(`? stands alone in the ${spec.name} field ('${field}')`);
  });
  const [minutes, hours, dayOfMonth = '', month, dayOfWeek = '', year] = fields;
  // Scheduler's rule: one of the two day fields is ?, so the other alone says which days.
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    fail('one of day-of-month and day-of-week must be ?, and only one (for example cron(0 8 * * ? *))');
  }
  if (dayOfWeek.includes('#') && dayOfWeek.includes(',')) {
    fail(`with #, the day-of-week field holds one expression only ('${dayOfWeek}')`);
  }
  // In Scheduler (as in Quartz) L alone in day-of-week is the week's last day, Saturday (7).
  const weekday = dayOfWeek.toUpperCase() === 'L' ? '7' : dayOfWeek;
  // Seconds first, as croner's 7-part patterns have them.
  return `0 ${minutes} ${hours} ${dayOfMonth} ${month} ${weekday} ${year}`;
}

function atPattern(body: string, fail: (reason: string) => never): string {
  const parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body.trim());
  if (!parts)
    return fail('a one-time schedule is at(yyyy-mm-ddThh:mm:ss), for example at(2030-01-31T09:00:00)');
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const exists =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  if (!exists) fail(`${body.trim()} is not a date and time`);
  return `${second} ${minute} ${hour} ${day} ${month} * ${year}`;
}

/** Cron and at(): a calendar pattern read on the time zone's wall clock. */
function calendarExpression(
  expression: string,
  timeZone: string,
  pattern: string,
  fail: (reason: string) => never,
): ScheduleExpression {
  let cron: Cron;
  try {
    cron = new Cron(pattern, {
      timezone: timeZone,
      mode: '7-part',
      // Scheduler numbers days 1 (SUN) to 7 (SAT), as Quartz does.
      alternativeWeekdays: true,
      // One day field is ? (any), so AND is exactly "the other field"; croner's default OR with a
      // * would match every day.
      domAndDow: true,
      // Scheduler's 0/15 and 1/10 (start/step), which croner calls sloppy.
      sloppyRanges: true,
    });
  } catch (error) {
    return fail((error as Error).message.replace(/^CronPattern: /, ''));
  }
  return {
    expression,
    timeZone,
    nextAfter(afterMs) {
      let from = afterMs;
      // Each pass skips one candidate the daylight-saving rules drop; a handful is the most a year has.
      for (let pass = 0; pass < 100; pass += 1) {
        const run = cron.nextRun(new Date(from));
        if (!run) return undefined;
        const at = run.getTime();
        // croner moves a fixed time that falls in a spring-forward gap to after the gap (and its
        // wall clock then no longer matches); Scheduler skips it. A time the clocks show twice
        // (fall back) runs once, at its first occurrence, as Scheduler documents.
        if (cron.match(run) && !isRepeatedWallTime(at, timeZone)) return at;
        from = at;
      }
      return undefined;
    },
  };
}
