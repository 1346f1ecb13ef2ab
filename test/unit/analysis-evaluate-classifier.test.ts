import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { trainTextClassifier } from '../../functions/analysis/classifier/train';
import { evaluateClassifier } from '../../local/evaluate/classifier';
import { isUsageError } from '../../local/evaluate/usage-error';
import { syntheticNeeds } from '../fixtures/analysis/classifier-synthetic-needs';

const dir = mkdtempSync(join(tmpdir(), 'orderly-evaluate-classifier-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quote = (cell: string) => `"${cell.replaceAll('"', '""')}"`;
function csvOf(rows: { title: string; description: string; type: string }[]): string {
  const path = join(dir, `needs-${rows.length}.csv`);
  const lines = [
    'id,title,description,type',
    ...rows.map((r, i) => [i, r.title, r.description, r.type].map(String).map(quote).join(',')),
  ];
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
  return path;
}

/** Synthetic needs as a CRM export: title and description apart, quoted, some rows without a type. */
const needs = [
  ...syntheticNeeds(800, 21).map((need, i) => {
    const [title, ...rest] = need.text.split('. ');
    return { title: title as string, description: rest.join('. '), type: i % 50 === 7 ? '' : need.label };
  }),
  { title: 'Copy of invoice', description: 'for March, "urgent"', type: 'invoice' },
];

describe('npm run evaluate -- classifier', () => {
  it('prints accuracy, macro-F1, the baselines and the per-class table of a stratified held-out split', async () => {
    const file = csvOf(needs);
    const report = await evaluateClassifier([
      file,
      '--text',
      'title,description',
      '--label',
      'type',
      '--seed',
      '3',
    ]);
    // The same samples and seed trained directly: the report prints exactly these figures.
    const labelled = needs
      .filter((n) => n.type)
      .map((n) => ({ text: `${n.title}\n${n.description}`, label: n.type }));
    const outcome = trainTextClassifier(labelled, { seed: 3, testSize: 0.2 });
    assert.ok(outcome.ok);
    const lines = report.split('\n');
    assert.match(
      lines[0] as string,
      new RegExp(
        `${labelled.length} labelled rows .*; ${needs.length - labelled.length} without a label, 0 unreadable`,
      ),
    );
    assert.ok(
      lines.includes(
        `Held-out split: ${outcome.metrics.train} train / ${outcome.metrics.test} test, stratified by type, seed 3.`,
      ),
    );
    const row = (name: string, accuracy: number, f1: number) =>
      assert.ok(
        lines.some(
          (line) => line.startsWith(name) && line.endsWith(`${accuracy.toFixed(3)}     ${f1.toFixed(3)}`),
        ),
        `${name}: ${accuracy.toFixed(3)} ${f1.toFixed(3)}\n${report}`,
      );
    row('logistic regression (tf-idf)', outcome.metrics.accuracy, outcome.metrics.macroF1);
    row(
      'naive Bayes (multinomial)',
      outcome.baselines.naiveBayes.accuracy,
      outcome.baselines.naiveBayes.macroF1,
    );
    row(
      `majority class (${outcome.baselines.majority.label})`,
      outcome.baselines.majority.accuracy,
      outcome.baselines.majority.macroF1,
    );
    for (const m of outcome.metrics.perClass)
      assert.ok(
        lines.some(
          (line) =>
            line.startsWith(`${m.label} `) &&
            line
              .replace(/\s+/g, ' ')
              .endsWith(`${m.precision.toFixed(3)} ${m.recall.toFixed(3)} ${m.f1.toFixed(3)} ${m.support}`),
        ),
        m.label,
      );
    assert.match(
      report,
      /Stored model: refitted on all \d+ labelled rows, \d+ terms; converged in \d+ L-BFGS iterations/,
    );
    assert.match(report, /expected calibration error 0\.\d{3}/);
  });

  it('says why there is no model when the labelled rows are too few', async () => {
    const few = needs.slice(0, 20);
    const report = await evaluateClassifier([csvOf(few), '--text', 'title', '--label', 'type']);
    const outcome = trainTextClassifier(
      few.filter((n) => n.type).map((n) => ({ text: n.title, label: n.type })),
      { seed: 1 },
    );
    assert.ok(!outcome.ok);
    assert.ok(report.includes(`\nNo model: ${outcome.reason}\n`), report);
    const counts = Object.entries(outcome.counts).sort(([, a], [, b]) => b - a);
    assert.ok(
      report.endsWith(`Labelled per type: ${counts.map(([label, n]) => `${label} ${n}`).join(', ')}.`),
      report,
    );
  });

  it('refuses a command line it cannot run, as a usage error', async () => {
    const file = csvOf(needs.slice(0, 40));
    const usage = async (args: string[], message: RegExp) =>
      assert.rejects(
        evaluateClassifier(args),
        (error) => isUsageError(error) && message.test((error as Error).message),
      );
    await usage([file, '--label', 'type'], /--text <column>/);
    await usage([file, '--text', 'title'], /--label <column>/);
    await usage(['--text', 'title', '--label', 'type'], /Name one file/);
    await usage(
      [file, '--text', 'title', '--label', 'kind'],
      /No column "kind"; the file has: id, title, description, type/,
    );
    await usage([file, '--text', 'title', '--label', 'type', '--test-size', '1.5'], /--test-size/);
    await usage([file, '--text', 'title', '--label', 'type', '--seed', 'x'], /--seed/);
    await usage([file, '--text', 'title', '--label', 'type', '--bogus'], /.*/);
  });
});
