import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import * as trendsApi from '../../functions/analysis/trends';
import { isSurge, SURGE_RULE, surgeScore } from '../../functions/analysis/trends/surge';
import { needTrends } from '../../functions/analysis/trends/trends';
import { addWeeks } from '../../functions/analysis/trends/weeks';
import { poissonSeries, seasonalSeries } from '../fixtures/analysis/trends-series';

const surgingWeeks = (counts: number[]) =>
  counts.map((count, i) => (isSurge(count, surgeScore(counts, i)) ? i : -1)).filter((i) => i >= 0);

describe('the surge rule', () => {
  it('does not flag the ordinary ups and downs of steady demand', () => {
    for (const mean of [3, 8, 20, 60])
      for (const seed of [1, 2, 3, 4, 5])
        assert.deepEqual(surgingWeeks(poissonSeries(seed, 52, mean)), [], `mean ${mean}, seed ${seed}`);
  });

  it('flags a planted spike, and only that week', () => {
    for (const seed of [1, 2, 3]) {
      const counts = poissonSeries(seed, 40, 20);
      counts[30] = 45;
      assert.deepEqual(surgingWeeks(counts), [30], `seed ${seed}`);
    }
  });

  it('still sees the second of two spikes: the median and MAD ignore the first', () => {
    const counts = [20, 22, 19, 21, 20, 60, 21, 19, 20, 58];
    assert.deepEqual(surgingWeeks(counts), [5, 9]);
  });

  it('is worked by hand: median, MAD scaled to a deviation, and the Poisson floor', () => {
    // History 10 12 11 13 9 10 12 11: median 11, absolute deviations 1 1 0 2 2 1 1 0 → MAD 1;
    // spread max(1.4826 × 1, √(11 + 1) = 3.464) = 3.464; 25 → (25 − 11) / 3.464 = 4.04: a surge.
    const counts = [10, 12, 11, 13, 9, 10, 12, 11, 25];
    assert.ok(Math.abs((surgeScore(counts, 8) as number) - 14 / Math.sqrt(12)) < 1e-12);
    assert.equal(isSurge(25, surgeScore(counts, 8)), true);
    // A spread history: 5 30 8 25 10 28 6 27 — median 17.5, absolute deviations 12.5 12.5 9.5 7.5
    // 7.5 10.5 11.5 9.5 → MAD 10, spread 14.826; 50 → 2.19, no surge.
    const wide = [5, 30, 8, 25, 10, 28, 6, 27, 50];
    assert.ok(Math.abs((surgeScore(wide, 8) as number) - (50 - 17.5) / (1.4826 * 10)) < 1e-12);
    assert.equal(isSurge(50, surgeScore(wide, 8)), false);
    // Only the 8 weeks before count: a spike 9 weeks back is out of the window.
    assert.equal(surgeScore([100, ...counts], 9), surgeScore(counts, 8));
  });

  it('needs a minimum count, so that small numbers do not surge by arithmetic', () => {
    // 0 → 2 is infinitely many MADs, but 2 needs are not a surge; 0 → 5 is.
    assert.equal(isSurge(2, surgeScore([0, 0, 0, 0, 0, 0, 0, 0, 2], 8)), false);
    assert.equal(surgeScore([0, 0, 0, 0, 0, 0, 0, 0, 2], 8), 2);
    assert.equal(surgeScore([0, 0, 0, 0, 0, 0, 0, 0, 5], 8), 5);
    assert.equal(isSurge(5, surgeScore([0, 0, 0, 0, 0, 0, 0, 0, 5], 8)), true);
    // A flat history has MAD 0: the floor √(median + 1) keeps +4 on 10 from being a surge; +14 is one.
    assert.equal(isSurge(14, surgeScore([10, 10, 10, 10, 10, 10, 10, 10, 14], 8)), false);
    assert.equal(isSurge(24, surgeScore([10, 10, 10, 10, 10, 10, 10, 10, 24], 8)), true);
  });

  it('needs 4 weeks of history before it scores a week', () => {
    assert.equal(surgeScore([1, 1, 1, 50], 3), null);
    assert.equal(isSurge(50, null), false);
    assert.equal(typeof surgeScore([1, 1, 1, 1, 50], 4), 'number');
    assert.match(SURGE_RULE, /at least 5 needs.*≥ 4,.*8 weeks before it/);
  });
});

describe('need trends per series', () => {
  const steady = poissonSeries(4, 60, 12);
  const spiking = [...poissonSeries(5, 59, 12), 40];
  const short = [3, 4, 0, 6];
  const trends = needTrends([
    { key: 'type:repair', firstWeek: '2025-W40', counts: steady },
    { key: 'category:pumps', firstWeek: '2025-W40', counts: spiking },
    { key: 'type:training', firstWeek: '2026-W30', counts: short },
    { key: 'type:new', firstWeek: '2026-W30', counts: [] },
  ]);

  it('keeps the order and keys of the series, and shows the last 26 weeks', () => {
    assert.deepEqual(
      trends.map((t) => t.key),
      ['type:repair', 'category:pumps', 'type:training', 'type:new'],
    );
    const repair = trends[0] as (typeof trends)[number];
    assert.equal(repair.weeks.length, 26);
    assert.equal(repair.weeks[25]?.week, addWeeks('2025-W40', 59));
    assert.equal(repair.weeks[0]?.week, addWeeks('2025-W40', 34));
    assert.deepEqual(
      repair.weeks.map((w) => w.count),
      steady.slice(34),
    );
    assert.deepEqual(
      trends[2]?.weeks.map((w) => w.week),
      ['2026-W30', '2026-W31', '2026-W32', '2026-W33'],
    );
  });

  it('compares the last 4 weeks with the 4 before, and the last week with the one before', () => {
    const repair = trends[0] as (typeof trends)[number];
    const last4 = steady.slice(56).reduce((a, b) => a + b, 0);
    const previous4 = steady.slice(52, 56).reduce((a, b) => a + b, 0);
    assert.deepEqual(repair.change, {
      last4,
      previous4,
      percent: Math.round(((last4 - previous4) / previous4) * 1000) / 10,
    });
    assert.equal(repair.lastWeek, steady[59]);
    assert.equal(repair.previousWeek, steady[58]);
    // Fewer than 8 weeks: no percentage, as there is no whole previous period.
    assert.deepEqual(trends[2]?.change, { last4: 13, previous4: 0, percent: null });
    assert.deepEqual(
      needTrends([{ key: 'k', firstWeek: '2026-W01', counts: [0, 0, 0, 0, 1, 2, 3, 4] }])[0]?.change,
      { last4: 10, previous4: 0, percent: null },
    );
  });

  it('flags the last week when it surges, with its score and the rule', () => {
    const pumps = trends[1] as (typeof trends)[number];
    assert.equal(pumps.surge.flag, true);
    assert.equal(pumps.surge.week, addWeeks('2025-W40', 59));
    assert.ok((pumps.surge.score as number) >= 4);
    assert.equal(pumps.surge.rule, SURGE_RULE);
    assert.equal(pumps.weeks[25]?.surge, true);
    assert.equal(trends[0]?.surge.flag, false);
    assert.deepEqual(trends[3]?.surge, { flag: false, rule: SURGE_RULE });
    // Too little history to score: no score, no flag.
    assert.equal(trends[2]?.surge.score, undefined);
    assert.equal(trends[2]?.surge.flag, false);
  });

  it('forecasts the next 4 weeks when the history allows, and says why not otherwise', () => {
    const repair = trends[0]?.forecast;
    assert.ok(repair && 'next' in repair);
    assert.deepEqual(
      repair.next.map((w) => w.week),
      [1, 2, 3, 4].map((h) => addWeeks('2025-W40', 59 + h)),
    );
    // Figures are rounded for people.
    for (const w of repair.next) assert.equal(Math.round(w.count * 100) / 100, w.count);
    assert.equal(repair.backtest.folds, 8);
    assert.deepEqual(trends[2]?.forecast, {
      insufficient: '4 week(s) of history; a forecast with its backtest needs at least 15.',
    });
    assert.deepEqual(trends[3]?.forecast, { insufficient: 'No weeks of history.' });
    assert.deepEqual([trends[3]?.lastWeek, trends[3]?.previousWeek, trends[3]?.weeks], [0, 0, []]);
  });

  it('rounds the backtest for people, and leaves a MASE that has no scale empty', () => {
    const periodic = Array.from({ length: 40 }, (_, t) => [10, 20, 15, 5][t % 4] as number);
    const [trend] = trendsApi.needTrends([{ key: 'k', firstWeek: '2026-W01', counts: periodic }]);
    assert.ok(trend && 'backtest' in trend.forecast);
    assert.deepEqual(
      [
        trend.forecast.backtest.mase,
        trend.forecast.backtest.seasonalNaiveMase,
        trend.forecast.backtest.beatsSeasonalNaive,
      ],
      [null, null, false],
    );
  });

  it('takes the horizon and season period as parameters', () => {
    const y = seasonalSeries(1, { weeks: 60, period: 4, level: 20, slope: 0, amplitude: 5, noise: 1 });
    const [trend] = needTrends([{ key: 'k', firstWeek: '2026-W01', counts: y }], {
      horizon: 2,
      seasonPeriod: 1,
    });
    assert.ok(trend && 'next' in trend.forecast);
    assert.equal(trend.forecast.next.length, 2);
    assert.equal(trend.forecast.backtest.seasonPeriod, 1);
  });
});
