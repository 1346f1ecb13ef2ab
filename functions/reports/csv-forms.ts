import { type CsvCell, toCsv } from '../shared/http/csv';
import type { Money } from '../shared/money';
import type { fulfilmentRow, needsRow, pipelineRow, revenueRow } from './rows';

/**
 * Each report's CSV form: one line per row, in the JSON rows' order, with a column per measure and,
 * for money, a column per currency found on the page (`revenueMinor_EUR`: minor units, as in JSON),
 * so that a spreadsheet sums a column without mixing currencies.
 */
interface Form<Row> {
  columns: readonly (readonly [string, (row: Row) => CsvCell])[];
  money?: { name: string; of: (row: Row) => Money[] };
}

function toCsvForm<Row extends { period: string; group?: string }>(
  rows: readonly Row[],
  form: Form<Row>,
  grouped: boolean,
): string {
  const { money } = form;
  const currencies = money
    ? [...new Set(rows.flatMap((row) => money.of(row).map((m) => m.currency)))].sort()
    : [];
  const header = [
    'period',
    ...(grouped ? ['group'] : []),
    ...form.columns.map(([name]) => name),
    ...currencies.map((currency) => `${money?.name}Minor_${currency}`),
  ];
  const lines = rows.map((row) => [
    row.period,
    ...(grouped ? [row.group] : []),
    ...form.columns.map(([, cell]) => cell(row)),
    ...currencies.map((currency) => money?.of(row).find((m) => m.currency === currency)?.amountMinor ?? 0),
  ]);
  return toCsv(header, lines);
}

export const needsCsv = (rows: ReturnType<typeof needsRow>[], grouped: boolean) =>
  toCsvForm(
    rows,
    { columns: [['needs', (r) => r.needs]], money: { name: 'estimatedValue', of: (r) => r.estimatedValue } },
    grouped,
  );

export const revenueCsv = (rows: ReturnType<typeof revenueRow>[], grouped: boolean) =>
  toCsvForm(
    rows,
    {
      columns: [
        ['orders', (r) => r.orders],
        ['units', (r) => r.units],
      ],
      money: { name: 'revenue', of: (r) => r.revenue },
    },
    grouped,
  );

export const pipelineCsv = (rows: ReturnType<typeof pipelineRow>[], grouped: boolean) =>
  toCsvForm(
    rows,
    { columns: [['orders', (r) => r.orders]], money: { name: 'value', of: (r) => r.value } },
    grouped,
  );

export const fulfilmentCsv = (rows: ReturnType<typeof fulfilmentRow>[], grouped: boolean) =>
  toCsvForm(
    rows,
    {
      columns: [
        ['closed', (r) => r.closed],
        ['approvalOrders', (r) => r.approval.orders],
        ['approvalAverageSeconds', (r) => r.approval.averageSeconds],
        ['leadTimeOrders', (r) => r.leadTime.orders],
        ['leadTimeAverageSeconds', (r) => r.leadTime.averageSeconds],
        ['promised', (r) => r.onTime.promised],
        ['onTime', (r) => r.onTime.onTime],
        ['onTimeRate', (r) => r.onTime.rate],
        ['ratings', (r) => r.ratings.count],
        ['ratingAverage', (r) => r.ratings.average],
        ...([1, 2, 3, 4, 5] as const).map(
          (stars) =>
            [
              `rating${stars}`,
              (r: ReturnType<typeof fulfilmentRow>) => r.ratings.distribution[stars],
            ] as const,
        ),
      ],
    },
    grouped,
  );
