import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  calibrationOf,
  confusionMatrix,
  scoresOf,
  stratifiedSplit,
} from '../../functions/analysis/classifier/metrics';
import { trainNaiveBayes } from '../../functions/analysis/classifier/naive-bayes';
import { seededRandom } from '../../functions/analysis/random';

const close = (actual: number, expected: number, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`);

describe('classification metrics', () => {
  // a = 0, b = 1, c = 2. Worked by hand:
  //            predicted a  b  c
  //   actual a           4  0  0
  //   actual b           1  1  0
  //   actual c           2  0  1
  const actual = [0, 0, 0, 0, 1, 1, 2, 2, 2];
  const predicted = [0, 0, 0, 0, 0, 1, 0, 0, 2];

  it('counts a confusion matrix with actual classes as rows', () => {
    assert.deepEqual(confusionMatrix(actual, predicted, 3), [
      [4, 0, 0],
      [1, 1, 0],
      [2, 0, 1],
    ]);
  });

  it('matches precision, recall, F1, support, accuracy and macro-F1 worked by hand', () => {
    const scores = scoresOf(confusionMatrix(actual, predicted, 3), ['a', 'b', 'c']);
    // a: precision 4/7, recall 4/4, F1 = 2·(4/7)·1 / (4/7 + 1) = 8/11.
    // b: precision 1/1, recall 1/2, F1 = 2/3.   c: precision 1/1, recall 1/3, F1 = 1/2.
    const expected = [
      { label: 'a', precision: 4 / 7, recall: 1, f1: 8 / 11, support: 4 },
      { label: 'b', precision: 1, recall: 1 / 2, f1: 2 / 3, support: 2 },
      { label: 'c', precision: 1, recall: 1 / 3, f1: 1 / 2, support: 3 },
    ];
    scores.perClass.forEach((m, i) => {
      const e = expected[i] as (typeof expected)[number];
      assert.equal(m.label, e.label);
      assert.equal(m.support, e.support);
      close(m.precision, e.precision);
      close(m.recall, e.recall);
      close(m.f1, e.f1);
    });
    close(scores.accuracy, 6 / 9);
    // (8/11 + 2/3 + 1/2) / 3 = 125/198.
    close(scores.macroF1, 125 / 198);
  });

  it('scores a class that is never predicted, or never present, 0 rather than undefined', () => {
    const scores = scoresOf(confusionMatrix([0, 0, 1], [0, 0, 0], 3), ['a', 'b', 'c']);
    assert.deepEqual(
      scores.perClass.map((m) => [m.precision, m.recall, m.f1, m.support]),
      [
        [2 / 3, 1, 0.8, 2],
        [0, 0, 0, 1],
        [0, 0, 0, 0],
      ],
    );
    close(scores.macroF1, 0.8 / 3);
    assert.deepEqual(scoresOf([], []), { accuracy: 0, macroF1: 0, perClass: [] });
  });

  it('measures calibration: ECE over confidence bins and the log loss of the true class', () => {
    // Two answers at 0.95 of which one is right (bin 9: |0.5 − 0.95|), two at 0.55, both right (bin 5: |1 − 0.55|).
    const calibration = calibrationOf(
      [0.95, 0.95, 0.55, 0.55],
      [true, false, true, true],
      [0.95, 0.05, 0.55, 0.55],
    );
    close(calibration.expectedCalibrationError, 0.5 * 0.45 + 0.5 * 0.45);
    close(calibration.logLoss, -(Math.log(0.95) + Math.log(0.05) + 2 * Math.log(0.55)) / 4);
    assert.deepEqual(calibrationOf([], [], []), { expectedCalibrationError: 0, logLoss: 0 });
  });
});

describe('the stratified split', () => {
  const labels = [...new Array(10).fill(0), ...new Array(5).fill(1), ...new Array(2).fill(2), 3];

  it('holds out the share of each class, at least one and never all of it, and uses every sample once', () => {
    const { train, test } = stratifiedSplit(labels, 0.2, seededRandom(7));
    const testOf = (c: number) => test.filter((i) => labels[i] === c).length;
    // round(0.2 × 10) = 2, round(0.2 × 5) = 1, round(0.4) = 0 → raised to 1, a single sample stays in training.
    assert.deepEqual([0, 1, 2, 3].map(testOf), [2, 1, 1, 0]);
    assert.deepEqual(
      [...train, ...test].sort((a, b) => a - b),
      labels.map((_, i) => i),
    );
    assert.deepEqual(
      train,
      [...train].sort((a, b) => a - b),
    );
  });

  it('depends on the seed only', () => {
    assert.deepEqual(
      stratifiedSplit(labels, 0.3, seededRandom(1)),
      stratifiedSplit(labels, 0.3, seededRandom(1)),
    );
    const picks = new Set(
      [1, 2, 3, 4, 5].map((seed) => stratifiedSplit(labels, 0.3, seededRandom(seed)).test.join()),
    );
    assert.ok(picks.size > 1);
  });
});

describe('the naive Bayes baseline', () => {
  it('learns Laplace-smoothed log term probabilities and log priors, worked by hand', () => {
    // Two terms. Class 0: one document with term 0 twice. Class 1: [term 1], [term 0, term 1].
    const counts = {
      rows: 3,
      rowStart: Int32Array.from([0, 1, 2, 4]),
      cols: Int32Array.from([0, 1, 0, 1]),
      values: Float64Array.from([2, 1, 1, 1]),
    };
    const model = trainNaiveBayes(counts, Int32Array.from([0, 1, 1]), 2, 2);
    // Class 0: (2+1)/(2+2), (0+1)/(2+2). Class 1: (1+1)/(3+2), (2+1)/(3+2).
    [Math.log(3 / 4), Math.log(2 / 5), Math.log(1 / 4), Math.log(3 / 5)].forEach((w, i) => {
      close(model.weights[i] as number, w);
    });
    close(model.bias[0] as number, Math.log(1 / 3));
    close(model.bias[1] as number, Math.log(2 / 3));
  });
});
