import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { fulfilmentCsv, needsCsv, pipelineCsv, revenueCsv } from '../../functions/reports/csv-forms';
import { reportRange } from '../../functions/reports/range';
import { fulfilmentRow, moneyOf, needsRow, pipelineRow, revenueRow } from '../../functions/reports/rows';
import { ValidationError } from '../../functions/shared/http/errors';

const fieldOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return (error.extensions as { errors: { field: string }[] }).errors.map((e) => e.field).join();
  }
  assert.fail('no ValidationError');
};

describe('a report’s range', () => {
  it('defaults to the last 31 days, 12 weeks or 365 days up to today in the tenant’s zone', () => {
    assert.deepEqual(reportRange('day', {}, '2026-05-10'), {
      from: '2026-04-10',
      to: '2026-05-11',
      first: '2026-04-10',
      last: '2026-05-10',
    });
    assert.deepEqual(reportRange('week', {}, '2026-05-10'), {
      from: '2026-02-16',
      to: '2026-05-11',
      first: '2026-W08',
      last: '2026-W19',
    });
    assert.deepEqual(reportRange('month', { to: '2027-01-01' }, '2026-05-10'), {
      from: '2026-01-01',
      to: '2027-01-01',
      first: '2026-01',
      last: '2026-12',
    });
  });

  it('refuses an empty or backwards range, and one longer than the period allows', () => {
    assert.equal(
      fieldOf(() => reportRange('day', { from: '2026-05-10', to: '2026-05-10' }, '2026-05-10')),
      'query.to',
    );
    assert.equal(
      fieldOf(() => reportRange('day', { from: '2026-06-10' }, '2026-05-10')),
      'query.from',
    );
    assert.equal(
      fieldOf(() => reportRange('day', { from: '2025-01-01', to: '2026-05-10' }, '2026-05-10')),
      'query.from',
    );
    assert.equal(
      fieldOf(() => reportRange('week', { to: '2099-01-01', from: '2020-01-01' }, '2026-05-10')),
      'query.from',
    );
    // Five years by month is fine; a day more is not.
    assert.equal(
      reportRange('month', { from: '2021-01-01', to: '2026-01-01' }, '2026-05-10').last,
      '2025-12',
    );
    assert.equal(
      fieldOf(() => reportRange('month', { from: '2020-01-01', to: '2026-01-03' }, '2026-05-10')),
      'query.from',
    );
    assert.equal(
      reportRange('day', { from: '2025-04-05', to: '2026-05-10' }, '2026-05-10').first,
      '2025-04-05',
    );
  });
});

describe('report rows and their CSV', () => {
  it('shows money per currency in minor units, leaving out currencies with nothing', () => {
    assert.deepEqual(moneyOf({ n: 3, m_GBP: 10, m_EUR: 250, m_USD: 0 }), [
      { amountMinor: 250, currency: 'EUR' },
      { amountMinor: 10, currency: 'GBP' },
    ]);
  });

  it('writes a money column per currency of the page, 0 where a row has none', () => {
    const rows = [
      revenueRow({ period: '2026-03', group: 'DE', measures: { n: 2, u: 5, m_EUR: 1_000 } }, true),
      revenueRow({ period: '2026-03', group: 'GB', measures: { n: 1, u: 1, m_GBP: 99 } }, true),
    ];
    assert.equal(
      revenueCsv(rows, true),
      'period,group,orders,units,revenueMinor_EUR,revenueMinor_GBP\r\n2026-03,DE,2,5,1000,0\r\n2026-03,GB,1,1,0,99\r\n',
    );
    const open = [pipelineRow({ period: 'all', group: 'SUBMITTED', measures: { n: 2, m_JPY: 1_500 } }, true)];
    assert.equal(pipelineCsv(open, true), 'period,group,orders,valueMinor_JPY\r\nall,SUBMITTED,2,1500\r\n');
    const needs = [needsRow({ period: '2026-W10', group: '-', measures: { n: 4 } }, false)];
    assert.deepEqual(needs[0], { period: '2026-W10', needs: 4, estimatedValue: [] });
    assert.equal(needsCsv(needs, false), 'period,needs\r\n2026-W10,4\r\n');
  });

  it('guards a group that reads like a formula', () => {
    const rows = [
      revenueRow({ period: '2026-03', group: '=HYPERLINK("x")', measures: { n: 1, u: 1 } }, true),
    ];
    assert.match(revenueCsv(rows, true), /\r\n2026-03,"'=HYPERLINK\(""x""\)",1,1\r\n$/);
  });

  it('turns fulfilment sums into averages and rates, null where nothing was measured', () => {
    const row = fulfilmentRow(
      {
        period: '2026-04',
        group: '-',
        measures: { n: 4, apN: 2, apMs: 7_000, ltN: 4, ltMs: 400_000, pr: 3, ot: 2, r5: 1, r3: 1 },
      },
      false,
    );
    assert.deepEqual(row, {
      period: '2026-04',
      closed: 4,
      approval: { orders: 2, totalSeconds: 7, averageSeconds: 3.5 },
      leadTime: { orders: 4, totalSeconds: 400, averageSeconds: 100 },
      onTime: { promised: 3, onTime: 2, rate: 2 / 3 },
      ratings: { count: 2, average: 4, distribution: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 1 } },
    });
    const empty = fulfilmentRow({ period: '2026-04', group: 'DE', measures: { n: 1 } }, true);
    assert.equal(empty.approval.averageSeconds, null);
    assert.equal(empty.onTime.rate, null);
    assert.equal(empty.ratings.average, null);
    assert.equal(fulfilmentCsv([empty], true).split('\r\n')[1], '2026-04,DE,1,0,,0,,0,0,,0,,0,0,0,0,0');
  });
});
