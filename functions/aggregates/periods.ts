import { localDate } from '../shared/civil-time';

/**
 * Periods as reports name them, cut in a time zone: a day `YYYY-MM-DD`, an ISO 8601 week
 * `YYYY-Www` (weeks start on Monday; week 1 holds the year's first Thursday, so 2027-01-01 is in
 * 2026-W53), a month `YYYY-MM`. Each form sorts as text in time order, which the aggregates' sort
 * keys rely on. Plain functions over strings; the zone's rules (daylight saving) come from the
 * runtime's time zone database.
 */
export const PERIOD_KINDS = ['day', 'week', 'month'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

const DAY_MS = 86_400_000;

const civilMs = (date: string) =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
const civilDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The ISO week (`YYYY-Www`) of a calendar date: the week-year is that of the week's Thursday. */
export function isoWeek(date: string): string {
  const ms = civilMs(date);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(ms + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return `${String(year).padStart(4, '0')}-W${String(week).padStart(2, '0')}`;
}

/** The period of kind `kind` a calendar date lies in. */
export function periodOfDate(kind: PeriodKind, date: string): string {
  if (kind === 'day') return date;
  if (kind === 'week') return isoWeek(date);
  return date.slice(0, 7);
}

/** The day, week and month an instant falls in, in `timeZone`. */
export function periodsOf(at: string, timeZone: string): Record<PeriodKind, string> {
  const date = localDate(at, timeZone);
  return { day: date, week: isoWeek(date), month: date.slice(0, 7) };
}

/** `date` moved by `days` calendar days. */
export const addDays = (date: string, days: number) => civilDate(civilMs(date) + days * DAY_MS);

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string) => Math.round((civilMs(to) - civilMs(from)) / DAY_MS);

/** `date` moved by `months` calendar months, on the first of the month. */
export function addMonths(date: string, months: number): string {
  const index = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/**
 * The first and last periods of kind `kind` that overlap the days `from` (inclusive) to `to`
 * (exclusive): a report over them shows each of these periods whole.
 */
export function periodSpan(kind: PeriodKind, from: string, to: string): { first: string; last: string } {
  return { first: periodOfDate(kind, from), last: periodOfDate(kind, addDays(to, -1)) };
}
