import { Cron } from 'croner';

/**
 * The analysis schedule's cron: the classic 5 fields (minute hour day-of-month month
 * day-of-week, Sunday 0), read on the tenant's wall clock. Evaluation is croner's (calendar, time
 * zones, daylight saving: a time the clocks skip runs at the first minute after the gap, one they
 * show twice runs once). The minute is one number, so a tenant's analysis runs at most hourly: a
 * run reads everything the tenant has, and the due job looks every 15 minutes anyway.
 */
export const DEFAULT_CRON = '0 2 * * *';

/** Why `cron` is refused, or undefined when it is a usable schedule. */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5)
    return 'must be a cron of 5 fields: minute hour day-of-month month day-of-week, e.g. 0 2 * * *';
  if (!/^\d{1,2}$/.test(fields[0] ?? ''))
    return 'the minute must be one number (0–59): analysis runs at most once an hour';
  let parsed: Cron;
  try {
    parsed = cronOf(cron, 'UTC');
  } catch (error) {
    return `is not a cron: ${(error as Error).message.replace(/^CronPattern: /, '')}`;
  }
  // A pattern of a day that never comes (30 February) would never run: better refused than silent.
  if (!parsed.nextRun(new Date())) return 'never runs (no date matches it)';
  return undefined;
}

const cronOf = (cron: string, timeZone: string) =>
  new Cron(cron.trim(), { timezone: timeZone, mode: '5-part' });

/**
 * The first time strictly after `after` at which `cron` fires on `timeZone`'s wall clock (ISO
 * 8601 UTC), or undefined if it never does again. Missed occurrences are not made up: whoever
 * asks after a pause gets the next one from now.
 */
export function nextOccurrence(cron: string, timeZone: string, after: Date): string | undefined {
  return cronOf(cron, timeZone).nextRun(after)?.toISOString();
}
