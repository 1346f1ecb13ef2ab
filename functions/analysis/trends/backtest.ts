import { fitHoltWinters, forecastHoltWinters } from './holt-winters';

/**
 * A rolling-origin backtest: the model is refitted on the weeks before each origin and forecasts
 * the `horizon` weeks after it; origins move one week at a time and the last one leaves exactly
 * `horizon` weeks to forecast. Its errors are set beside the seasonal-naive forecast's on the same
 * weeks (each week forecast as the same week one season earlier; with period 1, the last week).
 *
 * MASE = the model's mean absolute error / the in-sample mean absolute error of the one-step
 * seasonal-naive forecast over the weeks before the first origin (Hyndman & Koehler 2006), one
 * scale for all folds, so that MASE below the seasonal-naive forecast's own backtest MASE is the
 * same statement as a smaller backtest MAE. Null when that scale is 0 (a history that never changes).
 */
export interface Backtest {
  mase: number | null;
  /** The seasonal-naive forecast's MAE on the backtest weeks. */
  seasonalNaiveMae: number;
  modelMae: number;
  /** The seasonal-naive forecast's own MASE, for comparison (null with the MASE). */
  seasonalNaiveMase: number | null;
  /** The in-sample seasonal-naive MAE that scales both. */
  scale: number;
  folds: number;
  seasonPeriod: number;
  beatsSeasonalNaive: boolean;
}

/** Forecasts clamped at 0: counts are never negative, and a forecast should not be either. */
export const clampCount = (value: number) => Math.max(0, value);

/** The seasonal-naive forecasts 1…horizon weeks after `history`. */
export function seasonalNaive(history: readonly number[], period: number, horizon: number): number[] {
  const out: number[] = [];
  for (let h = 1; h <= horizon; h++) {
    const back = period * (Math.floor((h - 1) / period) + 1);
    out.push(history[history.length + h - 1 - back] as number);
  }
  return out;
}

export function backtest(y: readonly number[], period: number, horizon: number, folds: number): Backtest {
  const firstOrigin = y.length - horizon - folds + 1;
  let scaleSum = 0;
  for (let t = period; t < firstOrigin; t++)
    scaleSum += Math.abs((y[t] as number) - (y[t - period] as number));
  const scale = scaleSum / (firstOrigin - period);
  let modelError = 0;
  let naiveError = 0;
  for (let origin = firstOrigin; origin < firstOrigin + folds; origin++) {
    const history = y.slice(0, origin);
    const model = forecastHoltWinters(fitHoltWinters(history, period), horizon).map(clampCount);
    const naive = seasonalNaive(history, period, horizon);
    for (let h = 0; h < horizon; h++) {
      const actual = y[origin + h] as number;
      modelError += Math.abs(actual - (model[h] as number));
      naiveError += Math.abs(actual - (naive[h] as number));
    }
  }
  const modelMae = modelError / (folds * horizon);
  const seasonalNaiveMae = naiveError / (folds * horizon);
  return {
    mase: scale > 0 ? modelMae / scale : null,
    seasonalNaiveMae,
    modelMae,
    seasonalNaiveMase: scale > 0 ? seasonalNaiveMae / scale : null,
    scale,
    folds,
    seasonPeriod: period,
    beatsSeasonalNaive: modelMae < seasonalNaiveMae,
  };
}
