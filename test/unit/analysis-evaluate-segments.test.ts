import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { InsufficientDataError } from '../../functions/analysis/insufficient';
import { evaluateSegments } from '../../local/evaluate/segments';
import { isUsageError } from '../../local/evaluate/usage-error';

// 60 customers of three kinds (recent, frequent, high value; lapsed one-off low value; in
// between), written by `/usr/bin/python3 test/fixtures/analysis/kmeans_reference.py generate`.
const CUSTOMERS = join(import.meta.dirname, '../fixtures/analysis/customers.csv');
const dir = mkdtempSync(join(tmpdir(), 'orderly-evaluate-segments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run evaluate -- segments', () => {
  it('prints k, every candidate’s silhouette and inertia, the sizes and the labels', async () => {
    const report = await evaluateSegments([
      CUSTOMERS,
      '--features',
      'recency_days,orders,revenue',
      '--seed',
      '3',
    ]);
    const lines = report.split('\n');
    assert.match(lines[0] as string, /60 rows on recency_days, orders, revenue; 0 left out/);
    // revenue and orders are long-tailed counts and money; recency here is not skewed enough.
    assert.match(report, /revenue log1p/);
    assert.match(report, /Silhouette exact\./);
    for (const k of [2, 3, 4, 5, 6, 7, 8]) {
      assert.match(
        report,
        new RegExp(`^${k}\\s+0\\.\\d{4}\\s+\\d+\\.\\d{2}\\s+\\d+\\s+[\\d ]+$`, 'm'),
        `candidate k = ${k}`,
      );
    }
    assert.match(report, /^k = 3 \(highest silhouette\)\.$/m);
    // The three kinds, largest first: 25 lapsed, 20 recent big spenders, 15 in between.
    assert.match(report, /^0\s+25\s+lapsed, infrequent, low value\s/m);
    assert.match(report, /^1\s+20\s+recent, frequent, high value\s/m);
    assert.match(report, /^2\s+15\s/m);
    assert.equal(
      await evaluateSegments([CUSTOMERS, '--features', 'recency_days,orders,revenue', '--seed', '3']),
      report,
    );
  });

  it('takes a given k, leaves out rows it cannot read as numbers, and says when data are too few', async () => {
    const file = join(dir, 'some.csv');
    const rows = readFileSync(CUSTOMERS, 'utf8').trim().split('\n');
    writeFileSync(file, [...rows, 'C900,,3,1000,', 'C901,12,many,1000,'].join('\n'));
    const report = await evaluateSegments([
      file,
      '--features',
      'recency_days,orders,revenue',
      '--k',
      '4',
      '--id',
      'customer',
    ]);
    assert.match(report, /60 rows on recency_days, orders, revenue; 2 left out/);
    assert.match(report, /^k = 4 \(given\)\.$/m);
    assert.equal(report.split('\n').filter((line) => /^[0-3]\s+\d+\s+[a-z]/.test(line)).length, 4);

    const tiny = join(dir, 'tiny.csv');
    writeFileSync(tiny, 'a,b\n1,2\n1,2\n3,4\n');
    await assert.rejects(evaluateSegments([tiny, '--features', 'a,b']), InsufficientDataError);
  });

  it('refuses a command line it cannot run, as a usage error', async () => {
    for (const args of [
      [CUSTOMERS],
      ['--features', 'orders'],
      [CUSTOMERS, '--features', 'orders,turnover'],
      [CUSTOMERS, '--features', 'orders', '--k', '1'],
      [CUSTOMERS, '--features', 'orders', '--seed', 'x'],
      [CUSTOMERS, '--features', 'orders', '--colour', 'blue'],
    ]) {
      await assert.rejects(evaluateSegments(args), (error: unknown) => isUsageError(error), args.join(' '));
    }
  });
});
