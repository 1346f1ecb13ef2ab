import { addDays, daysBetween, isoWeek } from '../../aggregates/periods';
import { localDate } from '../../shared/civil-time';

/**
 * ISO weeks (`YYYY-Www`) as the trends count them, built on the aggregates' calendar
 * (functions/aggregates/periods.ts) so that a week here is the week of the reports. A week is
 * named by its Monday for arithmetic; 2026-12-31 lies in 2026-W53, 2027-01-04 starts 2027-W01.
 */
const WEEK = /^(\d{4})-W(\d{2})$/;
/** A Monday, to tell weekdays by counting days from it. */
const A_MONDAY = '2024-01-01';

/** The week an instant falls in, in `timeZone`. */
export const weekOf = (at: string, timeZone: string): string => isoWeek(localDate(at, timeZone));

/** The Monday (`YYYY-MM-DD`) that starts an ISO week. */
export function mondayOf(week: string): string {
  const match = WEEK.exec(week);
  if (!match) throw new Error(`Not an ISO week: ${week} (expected YYYY-Www).`);
  // 4 January is always in week 1; its week's Monday starts week 1.
  const january4 = `${match[1]}-01-04`;
  const weekday = (((daysBetween(A_MONDAY, january4) % 7) + 7) % 7) as number;
  const monday = addDays(january4, -weekday + 7 * (Number(match[2]) - 1));
  if (isoWeek(monday) !== week) throw new Error(`No such ISO week: ${week}.`);
  return monday;
}

/** The week `weeks` weeks after `week` (before, when negative). */
export const addWeeks = (week: string, weeks: number): string => isoWeek(addDays(mondayOf(week), 7 * weeks));

export const nextWeek = (week: string): string => addWeeks(week, 1);

/** Whole weeks from `from` to `to` (negative when `to` is earlier). */
export const weeksBetween = (from: string, to: string): number =>
  daysBetween(mondayOf(from), mondayOf(to)) / 7;

/** The last week that is over at `now` in `timeZone`: the week before the one `now` is in. */
export const lastCompleteWeek = (now: string, timeZone: string): string =>
  addWeeks(weekOf(now, timeZone), -1);
