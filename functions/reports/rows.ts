import type { Measures } from '../aggregates/contributions';
import type { AggregateRow } from '../aggregates/read';
import type { Money } from '../shared/money';

/**
 * Aggregate rows (period, group, measures: functions/aggregates/contributions.ts) as each report
 * shows them. Pure. `group` is left out for groupBy=none.
 */
const MONEY = /^m_([A-Z]{3})$/;

export function moneyOf(measures: Measures): Money[] {
  return Object.entries(measures)
    .flatMap(([name, amountMinor]) => {
      const currency = MONEY.exec(name)?.[1];
      return currency && amountMinor !== 0 ? [{ amountMinor, currency }] : [];
    })
    .sort((a, b) => (a.currency < b.currency ? -1 : 1));
}

const at = (row: AggregateRow, grouped: boolean) => ({
  period: row.period,
  ...(grouped ? { group: row.group } : {}),
});
const count = (measures: Measures, name: string) => measures[name] ?? 0;

export const needsRow = (row: AggregateRow, grouped: boolean) => ({
  ...at(row, grouped),
  needs: count(row.measures, 'n'),
  estimatedValue: moneyOf(row.measures),
});

export const revenueRow = (row: AggregateRow, grouped: boolean) => ({
  ...at(row, grouped),
  orders: count(row.measures, 'n'),
  units: count(row.measures, 'u'),
  revenue: moneyOf(row.measures),
});

export const pipelineRow = (row: AggregateRow, grouped: boolean) => ({
  ...at(row, grouped),
  orders: count(row.measures, 'n'),
  value: moneyOf(row.measures),
});

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

function duration(measures: Measures, orders: string, totalMs: string) {
  const n = count(measures, orders);
  const ms = count(measures, totalMs);
  return { orders: n, totalSeconds: ms / 1000, averageSeconds: ratio(ms / 1000, n) };
}

export function fulfilmentRow(row: AggregateRow, grouped: boolean) {
  const m = row.measures;
  const distribution = {
    1: count(m, 'r1'),
    2: count(m, 'r2'),
    3: count(m, 'r3'),
    4: count(m, 'r4'),
    5: count(m, 'r5'),
  };
  const ratings = Object.values(distribution).reduce((sum, n) => sum + n, 0);
  const stars = Object.entries(distribution).reduce((sum, [stars, n]) => sum + Number(stars) * n, 0);
  return {
    ...at(row, grouped),
    closed: count(m, 'n'),
    approval: duration(m, 'apN', 'apMs'),
    leadTime: duration(m, 'ltN', 'ltMs'),
    onTime: { promised: count(m, 'pr'), onTime: count(m, 'ot'), rate: ratio(count(m, 'ot'), count(m, 'pr')) },
    ratings: { count: ratings, average: ratio(stars, ratings), distribution },
  };
}
