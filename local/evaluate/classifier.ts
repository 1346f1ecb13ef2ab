import { parseArgs } from 'node:util';
import { type TrainingOutcome, trainTextClassifier } from '../../functions/analysis/classifier/train';
import { column, readTable, seedOption } from './table';
import { UsageError } from './usage-error';

/**
 * `npm run evaluate -- classifier <file.csv> --text <col> --label <col> [--test-size 0.2] [--seed S]`:
 * the need-type classifier on anyone's labelled texts, exactly as a run trains it (tf-idf over
 * words and word pairs, logistic regression to convergence), judged on a stratified held-out split
 * beside the majority class and multinomial naive Bayes. Rows without a label are not used.
 * `--text` may name several columns joined by commas (title,description), read as one text.
 */
export async function evaluateClassifier(args: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      text: { type: 'string' },
      label: { type: 'string' },
      'test-size': { type: 'string', default: '0.2' },
      seed: { type: 'string', default: '1' },
    },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length)
    throw new UsageError('Name one file: classifier <file.csv> --text <col> --label <col>.');
  if (!values.text) throw new UsageError('Say which column holds the text: --text <column>[,<column>…].');
  if (!values.label) throw new UsageError('Say which column holds the label: --label <column>.');
  const testSize = Number(values['test-size']);
  if (!(testSize > 0 && testSize < 1))
    throw new UsageError('--test-size is a share between 0 and 1, e.g. 0.2.');
  const seed = seedOption(values.seed);

  const table = await readTable(file);
  const textColumns = values.text.split(',').map((name) => column(table, name.trim()));
  const labelColumn = column(table, values.label);
  const samples = [];
  let unlabelled = 0;
  for (const row of table.rows) {
    const label = (row[labelColumn] ?? '').trim();
    if (!label) {
      unlabelled++;
      continue;
    }
    samples.push({ text: textColumns.map((c) => row[c] ?? '').join('\n'), label });
  }
  const outcome = trainTextClassifier(samples, { seed, testSize });
  const head = [
    `Classifier on ${file}: ${samples.length} labelled rows (text ${values.text}, label ${values.label}); ` +
      `${unlabelled} without a label, ${table.unreadable} unreadable.`,
  ];
  return [...head, ...report(outcome, seed)].join('\n');
}

const fixed = (value: number, digits = 3) => value.toFixed(digits);
const pad = (text: string, width: number) => text.padEnd(width);

function report(outcome: TrainingOutcome, seed: number): string[] {
  if (!outcome.ok) {
    const counts = Object.entries(outcome.counts)
      .sort(([, a], [, b]) => b - a)
      .map(([label, count]) => `${label} ${count}`);
    return [`No model: ${outcome.reason}`, `Labelled per type: ${counts.join(', ') || 'none'}.`];
  }
  const { metrics, baselines, training, model } = outcome;
  const width = Math.max(12, ...metrics.perClass.map((m) => m.label.length)) + 2;
  const lines = [
    `Types: ${model.labels.length}${outcome.excluded.length ? `; left out (fewer than 5 labelled): ${outcome.excluded.join(', ')}` : ''}.`,
    `Held-out split: ${metrics.train} train / ${metrics.test} test, stratified by type, seed ${seed}.`,
    '',
    `${pad('model', 34)}accuracy  macro-F1`,
    `${pad('logistic regression (tf-idf)', 34)}${pad(fixed(metrics.accuracy), 10)}${fixed(metrics.macroF1)}`,
    `${pad('naive Bayes (multinomial)', 34)}${pad(fixed(baselines.naiveBayes.accuracy), 10)}${fixed(baselines.naiveBayes.macroF1)}`,
    `${pad(`majority class (${baselines.majority.label})`, 34)}${pad(fixed(baselines.majority.accuracy), 10)}${fixed(baselines.majority.macroF1)}`,
    '',
    `${pad('type', width)}precision  recall  f1     support`,
    ...metrics.perClass.map(
      (m) =>
        `${pad(m.label, width)}${pad(fixed(m.precision), 11)}${pad(fixed(m.recall), 8)}${pad(fixed(m.f1), 7)}${m.support}`,
    ),
    '',
  ];
  if (metrics.calibration)
    lines.push(
      `Confidence: expected calibration error ${fixed(metrics.calibration.expectedCalibrationError)}, ` +
        `log loss ${fixed(metrics.calibration.logLoss)} (held out).`,
    );
  lines.push(
    `Stored model: refitted on all ${model.trainedOn} labelled rows, ${model.vocabulary.length} terms; ` +
      `${training.converged ? 'converged' : 'did NOT converge'} in ${training.iterations} L-BFGS iterations ` +
      `(stop: ${training.stop}, largest gradient ${training.gradientNorm.toExponential(1)}), ${Math.round(training.ms)} ms.`,
  );
  return lines;
}
