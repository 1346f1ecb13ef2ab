import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { seededRandom } from '../../functions/analysis/random';
import { RunFold } from '../../functions/analysis/runs/fold-run';
import type { AnalysisRun } from '../../functions/analysis/runs/record';
import { computeKind, KIND_COMPUTATIONS } from '../../functions/analysis/runs/run-kinds';

/** A kind's computation over what a run folded (functions/analysis/runs/run-kinds.ts): pure, no I/O. */
const run: AnalysisRun = {
  id: 'run-1',
  tenantId: 't',
  status: 'RUNNING',
  trigger: 'api',
  requestedBy: 'ann',
  kinds: ['segments'],
  parameters: { seed: 7, segments: { k: 'auto' }, classifier: { testSize: 0.2 }, trends: { horizon: 4 } },
  phase: 'segments',
  progress: { recordsRead: 0, expectedRecords: null, percent: null },
  createdAt: '2026-03-01T00:00:00.000Z',
  version: 1,
};

describe('the segments kind', () => {
  it('sums up the chosen k with its silhouette, to 4 places, as the segmentation scored it', () => {
    const fold = new RunFold({ timeZone: 'UTC', random: seededRandom(1) });
    // Twelve customers in three kinds: frequent recent buyers, occasional ones, and some with needs only.
    for (let c = 0; c < 12; c++) {
      const id = `c${c}`;
      if (c % 3 === 0)
        for (let o = 0; o < 10 + c; o++)
          fold.customers.addOrder(id, `2026-02-${String(1 + o).padStart(2, '0')}T00:00:00.000Z`, {
            amountMinor: 10_000 + 100 * c,
            currency: 'EUR',
          });
      else if (c % 3 === 1)
        fold.customers.addOrder(id, '2025-06-01T00:00:00.000Z', { amountMinor: 500 + c, currency: 'EUR' });
      else fold.customers.addNeed(id, `2025-0${1 + (c % 9)}-01T00:00:00.000Z`, 'complaint', undefined);
    }
    const outcome = computeKind(KIND_COMPUTATIONS.segments, {
      run,
      fold,
      now: new Date('2026-03-01T00:00:00.000Z'),
      timeZone: 'UTC',
    });
    assert.ok('value' in outcome, JSON.stringify(outcome.result));
    const { result } = outcome.value;
    const chosen = result.candidates.find((c) => c.k === result.k);
    assert.equal(typeof chosen?.silhouette, 'number');
    assert.deepEqual(outcome.result, {
      status: 'ok',
      summary: {
        k: result.k,
        chosenBy: 'silhouette',
        silhouette: Math.round((chosen?.silhouette as number) * 10_000) / 10_000,
        customers: 12,
        segments: result.segments.map((s) => ({ id: s.id, label: s.label, size: s.size })),
      },
    });
    assert.ok((chosen?.silhouette as number) > 0, 'three kinds of customers are told apart');
  });
});

describe('the trends kind', () => {
  it('names the series whose last complete week surges, and only those', () => {
    const fold = new RunFold({ timeZone: 'UTC', random: seededRandom(1) });
    // Sixteen Wednesdays before 2026-03-04 (enough history for a forecast and its backtest):
    // complaints run at 10 a week and jump to 40 in the last complete week (Mon 23 Feb – Sun 1 Mar);
    // questions stay at 10; the current week is not counted.
    const wednesday = (weeksBack: number) =>
      new Date(Date.parse('2026-02-25T09:00:00.000Z') - weeksBack * 7 * 86_400_000).toISOString();
    for (let back = 0; back < 16; back++) {
      for (let n = 0; n < (back === 0 ? 40 : 10); n++) fold.weeks.add(wednesday(back), 'complaint', []);
      for (let n = 0; n < 10; n++) fold.weeks.add(wednesday(back), 'question', ['pumps']);
    }
    fold.weeks.add('2026-03-04T08:00:00.000Z', 'question', []);
    // A horizon of 2 weeks, not the default 4: the run's own parameter reaches the forecasts.
    const twoWeeks = { ...run.parameters, trends: { horizon: 2 } };
    const outcome = computeKind(KIND_COMPUTATIONS.trends, {
      run: { ...run, kinds: ['trends'], parameters: twoWeeks },
      fold,
      now: new Date('2026-03-04T12:00:00.000Z'),
      timeZone: 'UTC',
    });
    assert.ok('value' in outcome, JSON.stringify(outcome.result));
    const keys = outcome.value.trends.map((t) => t.key);
    assert.deepEqual(keys, ['category:pumps', 'type:complaint', 'type:question']);
    const complaint = outcome.value.trends[1];
    assert.deepEqual(complaint?.surge.flag, true);
    assert.equal(complaint?.weeks.at(-1)?.count, 40);
    assert.deepEqual(
      outcome.value.trends.map((t) => ('next' in t.forecast ? t.forecast.next.length : t.forecast)),
      [2, 2, 2],
    );
    assert.deepEqual(outcome.result, {
      status: 'ok',
      summary: {
        series: 3,
        surging: ['type:complaint'],
        forecastsBeatingSeasonalNaive: outcome.value.trends.filter(
          (t) => 'backtest' in t.forecast && t.forecast.backtest.beatsSeasonalNaive,
        ).length,
        timeZone: 'UTC',
      },
    });
  });
});
