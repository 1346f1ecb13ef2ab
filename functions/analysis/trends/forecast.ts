import { type Backtest, backtest, clampCount } from './backtest';
import { fitHoltWinters, forecastHoltWinters, intervalHalfWidths, minimumHistory } from './holt-winters';
import { chooseSeason, SEASON_CANDIDATES } from './seasonality';
import { addWeeks } from './weeks';

/**
 * The next weeks of a series, with the backtest that says how far to trust them. Backtest folds:
 * up to 8 origins, at least 4 (fewer would make the error a matter of luck). Intervals are 80 %
 * (the usual first level of forecasting practice; a 95 % interval on weekly counts is too wide to act on).
 */
export const MAX_FOLDS = 8;
export const MIN_FOLDS = 4;
const INTERVAL_Z = 1.2816;

export interface WeekForecast {
  week: string;
  count: number;
  low: number;
  high: number;
}

export type Forecast =
  | { method: string; next: WeekForecast[]; backtest: Backtest }
  | { insufficient: string };

/** Weeks of history a season period needs: the model's start plus a backtest of MIN_FOLDS origins. */
export const historyNeeded = (period: number, horizon: number): number =>
  minimumHistory(period) + horizon + MIN_FOLDS - 1;

/**
 * Forecasts the `horizon` weeks after `lastWeek`, the week of the last of `y`. The season is
 * `seasonPeriod` when given and the history is long enough for it, else chosen from the data
 * (seasonality.ts); the method says which and why.
 */
export function forecastSeries(
  y: readonly number[],
  lastWeek: string,
  options: { horizon: number; seasonPeriod?: number },
): Forecast {
  const { horizon } = options;
  const needed = historyNeeded(1, horizon);
  if (y.length < needed)
    return {
      insufficient: `${y.length} week(s) of history; a forecast with its backtest needs at least ${needed}.`,
    };
  const given = options.seasonPeriod;
  let period: number;
  let why: string;
  if (given && y.length >= historyNeeded(given, horizon)) {
    period = given;
    why = 'as asked';
  } else {
    const eligible = SEASON_CANDIDATES.filter((p) => y.length >= historyNeeded(p, horizon));
    const choice = chooseSeason(y, eligible);
    period = choice.period;
    why =
      (given ? `${given} asked but ${historyNeeded(given, horizon)} weeks needed; ` : '') +
      (choice.correlation === null
        ? `no seasonality found at ${eligible.join('/')} weeks`
        : `lag-${period} correlation ${choice.correlation.toFixed(2)}`);
  }
  const folds = Math.min(MAX_FOLDS, y.length - minimumHistory(period) - horizon + 1);
  const fit = fitHoltWinters(y, period);
  const points = forecastHoltWinters(fit, horizon);
  const widths = intervalHalfWidths(fit, horizon, INTERVAL_Z);
  const { alpha, beta, gamma, phi } = fit.params;
  return {
    method:
      `Holt-Winters additive, damped trend, ${period > 1 ? `season ${period} weeks` : 'no season'} (${why}); ` +
      `α ${alpha}, β ${beta}${period > 1 ? `, γ ${gamma}` : ''}, φ ${phi} by grid search on one-step error; 80 % intervals`,
    next: points.map((point, h) => ({
      week: addWeeks(lastWeek, h + 1),
      count: clampCount(point),
      low: clampCount(point - (widths[h] as number)),
      high: clampCount(point + (widths[h] as number)),
    })),
    backtest: backtest(y, period, horizon, folds),
  };
}
