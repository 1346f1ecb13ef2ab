import type { Backtest } from './backtest';
import { type Forecast, forecastSeries, type WeekForecast } from './forecast';
import type { WeeklySeries } from './series';
import { isSurge, SURGE_RULE, surgeScore } from './surge';
import { addWeeks } from './weeks';

/**
 * Per series (a need type, a product category): the recent weeks with their surge flags, the
 * change against the previous period, whether the last week surges, and the next weeks' forecast
 * with its backtest. Pure: D2 folds the counts, this reads them.
 */
export type { WeeklySeries } from './series';

export interface SeriesTrend {
  key: string;
  /** The last 26 weeks at most. */
  weeks: { week: string; count: number; surge: boolean }[];
  lastWeek: number;
  previousWeek: number;
  /** The last 4 weeks against the 4 before; percent null when those were 0 or the series is shorter than 8 weeks. */
  change: { last4: number; previous4: number; percent: number | null };
  /** About the last week of the series; `score` is its robust z-score when it has enough history. */
  surge: { flag: boolean; week?: string; score?: number; rule: string };
  forecast: { method: string; next: WeekForecast[]; backtest: Backtest } | { insufficient: string };
}

export const SHOWN_WEEKS = 26;
export const DEFAULT_HORIZON = 4;

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Forecast figures rounded for people (0.01 of a need; 3 digits of an error ratio); decisions use the exact ones. */
function rounded(forecast: Forecast): SeriesTrend['forecast'] {
  if ('insufficient' in forecast) return forecast;
  const b = forecast.backtest;
  return {
    method: forecast.method,
    next: forecast.next.map((w) => ({
      week: w.week,
      count: round(w.count, 2),
      low: round(w.low, 2),
      high: round(w.high, 2),
    })),
    backtest: {
      ...b,
      mase: b.mase === null ? null : round(b.mase, 3),
      seasonalNaiveMase: b.seasonalNaiveMase === null ? null : round(b.seasonalNaiveMase, 3),
      seasonalNaiveMae: round(b.seasonalNaiveMae, 3),
      modelMae: round(b.modelMae, 3),
      scale: round(b.scale, 3),
    },
  };
}

export function seriesTrend(
  series: WeeklySeries,
  options: { horizon: number; seasonPeriod?: number },
): SeriesTrend {
  const { counts } = series;
  const n = counts.length;
  const weekAt = (i: number) => addWeeks(series.firstWeek, i);
  const shownFrom = Math.max(0, n - SHOWN_WEEKS);
  const weeks = counts.slice(shownFrom).map((count, j) => {
    const i = shownFrom + j;
    return { week: weekAt(i), count, surge: isSurge(count, surgeScore(counts, i)) };
  });
  const last4 = sum(counts.slice(Math.max(0, n - 4)));
  const previous4 = sum(counts.slice(Math.max(0, n - 8), Math.max(0, n - 4)));
  const lastScore = n ? surgeScore(counts, n - 1) : null;
  const surge: SeriesTrend['surge'] = n
    ? {
        flag: isSurge(counts[n - 1] as number, lastScore),
        week: weekAt(n - 1),
        ...(lastScore === null ? {} : { score: round(lastScore, 2) }),
        rule: SURGE_RULE,
      }
    : { flag: false, rule: SURGE_RULE };
  return {
    key: series.key,
    weeks,
    lastWeek: counts[n - 1] ?? 0,
    previousWeek: counts[n - 2] ?? 0,
    change: {
      last4,
      previous4,
      percent: n >= 8 && previous4 > 0 ? round(((last4 - previous4) / previous4) * 100, 1) : null,
    },
    surge,
    forecast: rounded(
      n ? forecastSeries(counts, weekAt(n - 1), options) : { insufficient: 'No weeks of history.' },
    ),
  };
}

/** The trend of each series, in the order given. */
export function needTrends(
  series: readonly WeeklySeries[],
  params: { horizon?: number; seasonPeriod?: number } = {},
): SeriesTrend[] {
  const options = { horizon: params.horizon ?? DEFAULT_HORIZON, seasonPeriod: params.seasonPeriod };
  return series.map((s) => seriesTrend(s, options));
}
