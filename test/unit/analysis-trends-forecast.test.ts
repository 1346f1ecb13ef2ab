import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { backtest, seasonalNaive } from '../../functions/analysis/trends/backtest';
import { type Forecast, forecastSeries, historyNeeded } from '../../functions/analysis/trends/forecast';
import {
  fitHoltWinters,
  forecastHoltWinters,
  type HoltWintersFit,
  intervalHalfWidths,
  startValues,
} from '../../functions/analysis/trends/holt-winters';
import { chooseSeason, lagCorrelation, withoutTrend } from '../../functions/analysis/trends/seasonality';
import { noiseSeries, randomWalk, seasonalSeries } from '../fixtures/analysis/trends-series';

type Forecasted = Exclude<Forecast, { insufficient: string }>;
const forecasted = (forecast: Forecast): Forecasted => {
  assert.ok(!('insufficient' in forecast), 'insufficient' in forecast ? forecast.insufficient : '');
  return forecast;
};
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** The seasonal-naive backtest MAE, computed here from its definition without the module's helpers. */
function seasonalNaiveMaeByHand(y: number[], period: number, horizon: number, folds: number): number {
  let total = 0;
  for (let origin = y.length - horizon - folds + 1; origin <= y.length - horizon; origin++)
    for (let h = 1; h <= horizon; h++) {
      // The same week of the last season before the origin.
      let source = origin + h - 1 - period;
      while (source >= origin) source -= period;
      total += Math.abs((y[origin + h - 1] as number) - (y[source] as number));
    }
  return total / (folds * horizon);
}

describe('the rolling-origin backtest', () => {
  // A zigzag on a rising line, small enough to work by hand.
  const y = [3, 5, 4, 6, 5, 7, 6, 8, 7, 9, 8, 10, 9, 11, 10];

  it('scores the seasonal-naive forecast and scales it by its in-sample error, as worked by hand', () => {
    // Period 1 (naive), horizon 4, 4 folds: origins 8…11. Before origin 8 the week-to-week changes
    // are 2, 1, 2, 1, 2, 1, 2: scale 11/7. Each origin forecasts its last week four times:
    // origin 8: 8 vs 7 9 8 10 → 4; origin 9: 7 vs 9 8 10 9 → 8; origin 10: 9 vs 8 10 9 11 → 4;
    // origin 11: 8 vs 10 9 11 10 → 8. MAE 24/16.
    const result = backtest(y, 1, 4, 4);
    assert.equal(result.scale, 11 / 7);
    assert.equal(result.seasonalNaiveMae, 1.5);
    assert.equal(result.seasonalNaiveMase, 1.5 / (11 / 7));
    assert.equal(result.folds, 4);
    assert.equal(result.seasonPeriod, 1);
    // The model's part: refit per origin on the weeks before it only.
    let error = 0;
    for (let origin = 8; origin <= 11; origin++) {
      const forecast = forecastHoltWinters(fitHoltWinters(y.slice(0, origin), 1), 4);
      forecast.forEach((f, h) => {
        error += Math.abs((y[origin + h] as number) - Math.max(0, f));
      });
    }
    assert.equal(result.modelMae, error / 16);
    assert.equal(result.mase, result.modelMae / result.scale);
    assert.equal(result.beatsSeasonalNaive, result.modelMae < result.seasonalNaiveMae);
  });

  it('forecasts seasonal-naive from the same week of the last season', () => {
    assert.deepEqual(seasonalNaive([1, 2, 3, 4, 5, 6], 4, 6), [3, 4, 5, 6, 3, 4]);
    assert.deepEqual(seasonalNaive([1, 2, 3], 1, 3), [3, 3, 3]);
  });

  it('does not claim to beat the seasonal-naive forecast when that one is exact, and has no MASE then', () => {
    const periodic = Array.from({ length: 40 }, (_, t) => [10, 20, 15, 5][t % 4] as number);
    const forecast = forecasted(forecastSeries(periodic, '2026-W10', { horizon: 4 }));
    assert.equal(forecast.backtest.seasonPeriod, 4);
    assert.equal(forecast.backtest.seasonalNaiveMae, 0);
    assert.equal(forecast.backtest.scale, 0);
    assert.equal(forecast.backtest.mase, null);
    assert.equal(forecast.backtest.beatsSeasonalNaive, false);
    // …while its own forecast is the pattern itself.
    forecast.next.forEach((w, h) => {
      assert.ok(Math.abs(w.count - ([10, 20, 15, 5][(40 + h) % 4] as number)) < 1e-6);
    });
  });
});

describe('forecasts of series with known seasonality', () => {
  const cases = [
    { period: 4, weeks: 60, level: 20, slope: 0.2, amplitude: 6, noise: 1.5 },
    { period: 13, weeks: 78, level: 30, slope: 0.1, amplitude: 10, noise: 2 },
    { period: 52, weeks: 130, level: 40, slope: 0, amplitude: 15, noise: 3 },
  ];
  for (const shape of cases)
    it(`finds a ${shape.period}-week season in sine + trend + noise and beats the seasonal-naive forecast (MASE < 1)`, () => {
      const results = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) => {
        const y = seasonalSeries(seed, shape);
        const forecast = forecasted(forecastSeries(y, '2026-W20', { horizon: 4 }));
        const { backtest: b } = forecast;
        assert.equal(b.seasonPeriod, shape.period, `seed ${seed}: ${forecast.method}`);
        assert.equal(b.folds, 8);
        // The comparison is with the seasonal-naive forecast of that period, computed independently.
        assert.ok(Math.abs(b.seasonalNaiveMae - seasonalNaiveMaeByHand(y, shape.period, 4, 8)) < 1e-12);
        assert.equal(b.beatsSeasonalNaive, b.modelMae < b.seasonalNaiveMae);
        return b;
      });
      // A backtest of 8 origins × 4 weeks is itself noisy, so the claim is about most data sets, not each.
      assert.ok(results.filter((b) => b.beatsSeasonalNaive).length >= 8);
      assert.ok(mean(results.map((b) => b.mase as number)) < 1);
      assert.ok(mean(results.map((b) => b.modelMae)) < mean(results.map((b) => b.seasonalNaiveMae)));
    });

  it('says what the forecast is: the next weeks, with 80 % intervals that widen with the horizon', () => {
    const y = seasonalSeries(1, cases[1] as (typeof cases)[1]);
    const forecast = forecasted(forecastSeries(y, '2026-W52', { horizon: 6 }));
    assert.deepEqual(
      forecast.next.map((w) => w.week),
      ['2026-W53', '2027-W01', '2027-W02', '2027-W03', '2027-W04', '2027-W05'],
    );
    assert.match(
      forecast.method,
      /^Holt-Winters additive, damped trend, season 13 weeks \(lag-13 correlation 0\.\d\d\)/,
    );
    let width = 0;
    for (const w of forecast.next) {
      assert.ok(w.low <= w.count && w.count <= w.high);
      assert.ok(w.high - w.low >= width - 1e-9);
      width = w.high - w.low;
    }
    // The forecast follows the season: each week within two noise deviations of the true mean.
    forecast.next.forEach((w, h) => {
      const t = 78 + h;
      const truth = 30 + 0.1 * t + 10 * Math.sin((2 * Math.PI * t) / 13);
      assert.ok(Math.abs(w.count - truth) < 2 * 2, `week ${h + 1}: ${w.count} vs ${truth}`);
    });
  });
});

describe('forecasts of series without seasonality', () => {
  it('on pure noise finds no season; the smoothed mean then beats last week’s value, which only repeats noise', () => {
    const results = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(
      (seed) => forecasted(forecastSeries(noiseSeries(seed, 60, 20, 4), '2026-W20', { horizon: 4 })).backtest,
    );
    assert.ok(results.filter((b) => b.seasonPeriod === 1).length >= 9);
    // The seasonal-naive forecast of period 1 is last week's count: error ≈ √2·σ against σ for the mean.
    assert.ok(results.filter((b) => b.beatsSeasonalNaive).length >= 8);
    assert.ok(mean(results.map((b) => b.mase as number)) < 1);
  });

  it('on a random walk, where last week is the best forecast there is, often does not beat it — and says so', () => {
    const results = Array.from(
      { length: 20 },
      (_, i) => forecasted(forecastSeries(randomWalk(i + 1, 60, 50, 4), '2026-W20', { horizon: 4 })).backtest,
    );
    assert.ok(results.every((b) => b.seasonPeriod === 1));
    assert.ok(results.filter((b) => !b.beatsSeasonalNaive).length >= 6);
    // …and where it does, it is by little: no better on average than the naive forecast by more than 10 %.
    assert.ok(mean(results.map((b) => b.modelMae)) > 0.9 * mean(results.map((b) => b.seasonalNaiveMae)));
  });

  it('starts from the line and the season of a series that is exactly a line plus a season', () => {
    // The state before the first week: the line 10 + 2t at t = −1 is 8, rising 2 a week.
    const line = (t: number) => 10 + 2 * t;
    const plain = startValues(
      Array.from({ length: 8 }, (_, t) => line(t)),
      1,
    );
    assert.ok(Math.abs(plain.level - 8) < 1e-9 && Math.abs(plain.trend - 2) < 1e-9, JSON.stringify(plain));
    const season = [3, -1, -3, 1];
    const seasonal = startValues(
      Array.from({ length: 12 }, (_, t) => line(t) + (season[t % 4] as number)),
      4,
    );
    assert.ok(Math.abs(seasonal.level - 8) < 1e-9, JSON.stringify(seasonal));
    assert.ok(Math.abs(seasonal.trend - 2) < 1e-9, JSON.stringify(seasonal));
    seasonal.season.forEach((value, j) => {
      assert.ok(Math.abs(value - (season[j] as number)) < 1e-9, JSON.stringify(seasonal));
    });
  });

  it('continues a clean trend, damped', () => {
    const line = Array.from({ length: 30 }, (_, t) => 10 + 2 * t);
    const forecast = forecasted(forecastSeries(line, '2026-W20', { horizon: 4 }));
    assert.equal(forecast.backtest.seasonPeriod, 1);
    assert.equal(forecast.backtest.beatsSeasonalNaive, true);
    forecast.next.forEach((w, h) => {
      const straight = 10 + 2 * (30 + h);
      assert.ok(w.count <= straight + 1e-6 && w.count > straight - 2 * (h + 1), `${w.count} vs ${straight}`);
    });
  });
});

describe('choosing the season and the history it needs', () => {
  it('needs two seasons to start from plus a backtest of 4 origins', () => {
    assert.deepEqual(
      [1, 4, 13, 52].map((p) => historyNeeded(p, 4)),
      [15, 15, 33, 111],
    );
    assert.deepEqual(
      forecastSeries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], '2026-W20', { horizon: 4 }),
      {
        insufficient: '14 week(s) of history; a forecast with its backtest needs at least 15.',
      },
    );
  });

  it('refuses to fit a model on less than its start needs', () => {
    assert.throws(() => fitHoltWinters([1, 2, 3, 4, 5, 6, 7], 1), /period 1 needs 8 weeks, got 7/);
    assert.throws(() => fitHoltWinters(new Array(25).fill(1), 13), /period 13 needs 26 weeks, got 25/);
  });

  it('takes a given period when the history allows it, and says why when it does not', () => {
    const y = seasonalSeries(3, { weeks: 60, period: 4, level: 20, slope: 0, amplitude: 6, noise: 1 });
    assert.equal(
      forecasted(forecastSeries(y, '2026-W20', { horizon: 4, seasonPeriod: 13 })).backtest.seasonPeriod,
      13,
    );
    const fallback = forecasted(forecastSeries(y, '2026-W20', { horizon: 4, seasonPeriod: 52 }));
    assert.equal(fallback.backtest.seasonPeriod, 4);
    assert.match(fallback.method, /52 asked but 111 weeks needed; lag-4 correlation/);
  });

  it('prefers the shorter of two periods that fit as well (4 over 52 for a 4-week rhythm)', () => {
    const y = seasonalSeries(2, { weeks: 130, period: 4, level: 30, slope: 0, amplitude: 8, noise: 1 });
    assert.equal(chooseSeason(y, [4, 13, 52]).period, 4);
    // A yearly sine is smooth at 4 weeks: taking out the 4-week moving average leaves noise there.
    const yearly = seasonalSeries(2, {
      weeks: 130,
      period: 52,
      level: 30,
      slope: 0,
      amplitude: 10,
      noise: 1,
    });
    assert.equal(chooseSeason(yearly, [4, 13, 52]).period, 52);
  });

  it('takes out the trend with a centred moving average over one season', () => {
    // A straight line loses everything; an even period weighs the two ends by half.
    assert.deepEqual(withoutTrend([1, 2, 3, 4, 5, 6, 7], 4), [0, 0, 0]);
    assert.deepEqual(withoutTrend([0, 0, 4, 0, 0], 2), [-1, 2, -1]);
    assert.deepEqual(withoutTrend([3, 0, 0, 3], 3), [-1, -1]);
    assert.equal(lagCorrelation([1, 2, 1, 2, 1, 2], 2), 1);
    assert.equal(lagCorrelation([5, 5, 5, 5], 1), 0);
  });
});

describe('the forecast intervals', () => {
  const fitOf = (period: number): HoltWintersFit => ({
    period,
    params: { alpha: 0.5, beta: 0.2, gamma: 0.3, phi: 0.9 },
    level: 100,
    trend: 1,
    season: Array.from({ length: period > 1 ? period : 0 }, () => 0),
    residualSd: 2,
  });
  const close = (actual: number[], expected: number[]) => {
    assert.equal(actual.length, expected.length);
    for (const [i, value] of actual.entries()) {
      assert.ok(Math.abs(value - (expected[i] as number)) < 1e-9, `${value} ≠ ${expected[i]}`);
    }
  };

  it('widen by the h-step error variance of damped Holt-Winters, worked by hand for a 2-week season', () => {
    // c_h = α(1 + β(φ + … + φ^h)) + γ when h is a multiple of the period; σ² grows by c_h².
    const c1 = 0.5 * (1 + 0.2 * 0.9); // 0.59
    const c2 = 0.5 * (1 + 0.2 * (0.9 + 0.81)) + 0.3; // 0.971: the season's own week again
    const c3 = 0.5 * (1 + 0.2 * (0.9 + 0.81 + 0.729)); // 0.7439
    close(intervalHalfWidths(fitOf(2), 4, 1), [
      2,
      2 * Math.sqrt(1 + c1 ** 2),
      2 * Math.sqrt(1 + c1 ** 2 + c2 ** 2),
      2 * Math.sqrt(1 + c1 ** 2 + c2 ** 2 + c3 ** 2),
    ]);
    // z scales every width.
    close(intervalHalfWidths(fitOf(2), 2, 1.2816), [2 * 1.2816, 2 * 1.2816 * Math.sqrt(1 + c1 ** 2)]);
  });

  it('add no seasonal term without a season (period 1), whatever γ says', () => {
    const c1 = 0.5 * (1 + 0.2 * 0.9);
    const c2 = 0.5 * (1 + 0.2 * (0.9 + 0.81));
    close(intervalHalfWidths(fitOf(1), 3, 1), [
      2,
      2 * Math.sqrt(1 + c1 ** 2),
      2 * Math.sqrt(1 + c1 ** 2 + c2 ** 2),
    ]);
  });
});
