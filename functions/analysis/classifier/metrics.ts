import { type Random, shuffle } from '../random';

/**
 * How well predicted labels match actual ones, per class and overall, from a confusion matrix
 * (`confusion[actual][predicted]`, classes as indices into `labels`).
 */
export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Test samples of this class. */
  support: number;
}

export interface Scores {
  accuracy: number;
  /** The unweighted mean of the classes' F1: a rare type counts as much as a common one. */
  macroF1: number;
  perClass: ClassMetrics[];
}

export function confusionMatrix(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: number,
): number[][] {
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < actual.length; i++) {
    const row = matrix[actual[i] as number] as number[];
    row[predicted[i] as number] = (row[predicted[i] as number] as number) + 1;
  }
  return matrix;
}

/**
 * Precision tp / (tp + fp), recall tp / (tp + fn), F1 their harmonic mean. A class never predicted
 * has precision 0, and a class without test samples recall 0 (scikit-learn's zero_division=0):
 * an undefined score counts against the model, not for it.
 */
export function scoresOf(confusion: readonly (readonly number[])[], labels: readonly string[]): Scores {
  let correct = 0;
  let total = 0;
  const perClass = labels.map((label, c) => {
    const row = confusion[c] as readonly number[];
    const tp = row[c] as number;
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((sum, r) => sum + (r[c] as number), 0);
    correct += tp;
    total += support;
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const macroF1 = perClass.length ? perClass.reduce((sum, m) => sum + m.f1, 0) / perClass.length : 0;
  return { accuracy: total > 0 ? correct / total : 0, macroF1, perClass };
}

/**
 * A stratified train/test split: each class gives round(testSize × its count) samples to the test
 * set, at least one and never all (so every class is both learned and tested), drawn by `random`.
 * Indices are returned in ascending order, so the split depends on the seed only.
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  testSize: number,
  random: Random,
): { train: number[]; test: number[] } {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const members = byClass.get(labels[i] as number) ?? [];
    members.push(i);
    byClass.set(labels[i] as number, members);
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = shuffle(byClass.get(label) as number[], random);
    const wanted =
      members.length < 2
        ? 0
        : Math.min(members.length - 1, Math.max(1, Math.round(testSize * members.length)));
    test.push(...members.slice(0, wanted));
    train.push(...members.slice(wanted));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/**
 * How far the stated confidence is from the observed accuracy: the expected calibration error over
 * ten equal-width confidence bins (Σ |bin| / n × |accuracy − mean confidence|), and the mean log
 * loss of the true class (`trueProbability`). A model whose 80 % answers are right 80 % of the time
 * has an ECE near 0.
 */
export function calibrationOf(
  confidence: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  trueProbability: ArrayLike<number>,
): { expectedCalibrationError: number; logLoss: number } {
  const bins = 10;
  const count = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  const sure = new Array<number>(bins).fill(0);
  let logLoss = 0;
  for (let i = 0; i < confidence.length; i++) {
    const p = confidence[i] as number;
    const bin = Math.min(bins - 1, Math.floor(p * bins));
    count[bin] = (count[bin] as number) + 1;
    sure[bin] = (sure[bin] as number) + p;
    if (correct[i]) hits[bin] = (hits[bin] as number) + 1;
    logLoss -= Math.log(Math.max(trueProbability[i] as number, 1e-15));
  }
  const n = confidence.length;
  let ece = 0;
  for (let b = 0; b < bins; b++)
    if (count[b])
      ece +=
        ((count[b] as number) / n) *
        Math.abs((hits[b] as number) / (count[b] as number) - (sure[b] as number) / (count[b] as number));
  return { expectedCalibrationError: ece, logLoss: n ? logLoss / n : 0 };
}
