import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { main, USAGE } from '../../local/evaluate/main';
import {
  basketsOf,
  formatRecommendations,
  measureRecommendations,
  parseTime,
} from '../../local/evaluate/recommendations';

/** The command docs/analysis.md shows: the December 2010 file spans 23 days, so a 7-day holdout. */
const ONLINE_RETAIL = [
  'data/online-retail-2010-12.csv',
  ...['--customer', 'CustomerID', '--item', 'StockCode', '--time', 'InvoiceDate'],
  ...['--order', 'InvoiceNo', '--quantity', 'Quantity', '--holdout-days', '7'],
];

describe('npm run evaluate -- recommendations, on the Online Retail file', () => {
  it('beats the popularity baseline, and prints both hit rates', async () => {
    const evaluation = await measureRecommendations(ONLINE_RETAIL);
    const { figures } = evaluation;
    const ours = figures.recommender.hitRate as number;
    const popularity = figures.popularity.hitRate as number;
    assert.ok(ours > popularity, `co-occurrence ${ours} against popularity ${popularity}`);
    // The split is the one documented: the last 7 days of 1–23 December 2010.
    assert.equal(figures.from, '2010-12-01T08:26:00.000Z');
    assert.equal(figures.to, '2010-12-23T16:06:00.000Z');
    assert.equal(figures.cutoff, '2010-12-16T16:06:00.000Z');
    assert.ok(figures.evaluated >= 50, `${figures.evaluated} customers evaluated`);
    assert.equal(figures.trainingBaskets + figures.holdoutBaskets, figures.baskets);
    // data/README.md: 42,481 lines, 15,631 without a customer; credit notes are negative quantities.
    assert.equal(evaluation.rows.read, 42_481);
    assert.equal(evaluation.rows.skipped['no customer'], 15_631);
    assert.ok((evaluation.rows.skipped['quantity ≤ 0'] ?? 0) > 0);

    const report = formatRecommendations(evaluation);
    const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;
    assert.match(report, new RegExp(`hit rate@10 +co-occurrence \\(jaccard\\) +${percent(ours)}`));
    assert.match(
      report,
      new RegExp(
        `popularity +${percent(popularity)} +\\(${figures.popularity.hits} of ${figures.evaluated}\\)`,
      ),
    );
  });
});

describe('basketsOf', () => {
  const columns = { customer: 0, item: 1, time: 2, order: 3, quantity: 4 };
  const rows = [
    ['c1', 'A', '2024-01-01 10:00:00', 'o1', '2'],
    ['c1', 'B', '2024-01-01 10:01:00', 'o1', '1'],
    ['c1', 'A', '2024-01-01 10:01:00', 'o1', '5'],
    ['c1', 'C', '2024-01-01 09:59:00', 'C9', '-1'],
    ['', 'A', '2024-01-01 10:00:00', 'o2', '1'],
    ['c2', '', '2024-01-01 10:00:00', 'o3', '1'],
    ['c2', 'A', 'soon', 'o3', '1'],
    ['c2', 'POST', '2024-01-02 10:00:00', 'o4', '1'],
    ['c2', 'B', '2024-01-02 10:00:00', 'o4', '1'],
  ];

  it('groups order lines by order, at the earliest line, distinct items, and says what it left out', () => {
    const { baskets, used, skipped } = basketsOf(rows, columns, new Set(['POST']));
    assert.deepEqual(baskets, [
      { customerId: 'c1', orderId: 'o1', at: '2024-01-01T10:00:00.000Z', items: ['A', 'B'] },
      { customerId: 'c2', orderId: 'o4', at: '2024-01-02T10:00:00.000Z', items: ['B'] },
    ]);
    assert.equal(used, 4);
    assert.deepEqual(skipped, {
      'quantity ≤ 0': 1,
      'no customer': 1,
      'no item': 1,
      'unreadable time': 1,
      'excluded item': 1,
    });
  });

  it('groups by customer and time without an order column', () => {
    const { baskets } = basketsOf(rows, { ...columns, order: undefined, quantity: undefined }, new Set());
    assert.deepEqual(
      baskets.map((b) => [b.customerId, b.at, b.items.join('')]),
      [
        ['c1', '2024-01-01T10:00:00.000Z', 'A'],
        ['c1', '2024-01-01T10:01:00.000Z', 'BA'],
        ['c1', '2024-01-01T09:59:00.000Z', 'C'],
        ['c2', '2024-01-02T10:00:00.000Z', 'POSTB'],
      ],
    );
  });
});

describe('parseTime', () => {
  it('reads a date and time without a zone as UTC, and anything Date.parse reads', () => {
    assert.equal(parseTime('2010-12-01 08:26:00'), Date.UTC(2010, 11, 1, 8, 26));
    assert.equal(parseTime('2010-12-01T08:26'), Date.UTC(2010, 11, 1, 8, 26));
    assert.equal(parseTime('2010-12-01T08:26:00+01:00'), Date.UTC(2010, 11, 1, 7, 26));
    assert.equal(parseTime(' '), null);
    assert.equal(parseTime('yesterday'), null);
  });
});

describe('npm run evaluate (the dispatcher)', () => {
  async function run(...argv: string[]) {
    const out = { stdout: '', stderr: '' };
    const status = await main(argv, {
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
    });
    return { status, ...out };
  }

  it('prints the usage on --help (0), and for a missing or unknown subcommand (2)', async () => {
    const help = await run('--help');
    assert.equal(help.status, 0);
    assert.equal(help.stdout, `${USAGE}\n`);
    const none = await run();
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^Say what to evaluate\./);
    const unknown = await run('clusters', 'x.csv');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^Unknown subcommand 'clusters'/);
  });

  it('exits 2 on a bad command line and 1 when the evaluation fails', async () => {
    const noFile = await run('recommendations', '--customer', 'a');
    assert.equal(noFile.status, 2);
    assert.match(noFile.stderr, /^Name one orders file/);
    const badOption = await run('recommendations', 'x.csv', '--colour', 'red');
    assert.equal(badOption.status, 2);
    // Any column names do: each call below fails before a row is read.
    const columns = ['--customer', 'a', '--item', 'b', '--time', 'c'];
    const badK = await run('recommendations', 'x.csv', ...columns, '--k', '0');
    assert.equal(badK.status, 2);
    assert.match(badK.stderr, /^--k takes a whole number from 1 to 1000/);
    const badMeasure = await run('recommendations', 'x.csv', ...columns, '--measure', 'dice');
    assert.equal(badMeasure.status, 2);
    const missing = await run('recommendations', 'data/no-such.csv', ...columns);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^evaluate recommendations: /);
    assert.equal(missing.stdout, '');
  });
});
