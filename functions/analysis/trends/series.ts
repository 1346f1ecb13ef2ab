import { addWeeks, weeksBetween } from './weeks';

/**
 * A weekly count series as the trends take it: consecutive weeks, missing weeks counted as 0, from
 * the first week with a count (or `firstWeek`) to `lastWeek` (the last complete week; counts of
 * later weeks are ignored, a week still under way would read as a drop), at most `maxWeeks` long
 * (the latest ones; default 156, three years, enough for a yearly season and its backtest).
 */
export interface WeeklySeries {
  /** 'type:complaint' | 'category:machines' */
  key: string;
  /** ISO week 'YYYY-Www' of counts[0]. */
  firstWeek: string;
  counts: number[];
}

export const MAX_SERIES_WEEKS = 156;

export function weeklySeries(
  key: string,
  countsByWeek: Readonly<Record<string, number>>,
  lastWeek: string,
  options: { firstWeek?: string; maxWeeks?: number } = {},
): WeeklySeries {
  const weeks = Object.keys(countsByWeek).filter((week) => week <= lastWeek);
  const earliest = [options.firstWeek, ...weeks].filter((w): w is string => !!w).sort()[0] ?? lastWeek;
  const span = Math.max(
    0,
    Math.min(weeksBetween(earliest, lastWeek) + 1, options.maxWeeks ?? MAX_SERIES_WEEKS),
  );
  const firstWeek = addWeeks(lastWeek, -(span - 1));
  const counts = new Array<number>(span).fill(0);
  for (const week of weeks) {
    const at = weeksBetween(firstWeek, week);
    if (at >= 0) counts[at] = (counts[at] as number) + (countsByWeek[week] as number);
  }
  return { key, firstWeek, counts };
}
