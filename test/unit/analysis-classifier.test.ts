import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import * as classifierApi from '../../functions/analysis/classifier';
import { minimise } from '../../functions/analysis/classifier/lbfgs';
import { logisticObjective, trainLogistic } from '../../functions/analysis/classifier/logistic';
import { classifyText, labelProbabilities } from '../../functions/analysis/classifier/model';
import { trainTextClassifier } from '../../functions/analysis/classifier/train';
import { gaussian, seededRandom } from '../../functions/analysis/random';
import { syntheticNeeds } from '../fixtures/analysis/classifier-synthetic-needs';

describe('L-BFGS', () => {
  it('finds the minimum of an ill-conditioned quadratic and says it converged on the gradient', () => {
    // f = Σ wᵢ (xᵢ − i)², curvatures from 1 to 1000.
    const weights = [1, 10, 100, 1000];
    const result = minimise(
      (x, g) => {
        let f = 0;
        weights.forEach((w, i) => {
          const d = (x[i] as number) - i;
          f += w * d * d;
          g[i] = 2 * w * d;
        });
        return f;
      },
      new Float64Array(4),
      { gradientTolerance: 1e-9, lossTolerance: 0, maxIterations: 100 },
    );
    assert.equal(result.stop, 'gradient');
    assert.equal(result.converged, true);
    assert.ok(result.gradientNorm <= 1e-9);
    result.x.forEach((value, i) => {
      assert.ok(Math.abs(value - i) < 1e-9, `x${i} = ${value}`);
    });
  });

  it('walks the Rosenbrock valley to (1, 1), and reports an iteration cap as not converged', () => {
    const rosenbrock = (x: Float64Array, g: Float64Array) => {
      const [a, b] = [x[0] as number, x[1] as number];
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    };
    const start = Float64Array.from([-1.2, 1]);
    const result = minimise(rosenbrock, start, {
      gradientTolerance: 1e-8,
      lossTolerance: 0,
      maxIterations: 500,
    });
    assert.equal(result.converged, true);
    assert.ok(Math.abs((result.x[0] as number) - 1) < 1e-6 && Math.abs((result.x[1] as number) - 1) < 1e-6);
    const capped = minimise(rosenbrock, start, {
      gradientTolerance: 1e-8,
      lossTolerance: 0,
      maxIterations: 3,
    });
    assert.deepEqual([capped.converged, capped.stop, capped.iterations], [false, 'iterations', 3]);
    // A loose loss test stops it early, and that counts as converged (the loss no longer moves).
    const loose = minimise(rosenbrock, start, {
      gradientTolerance: 1e-8,
      lossTolerance: 1e-2,
      maxIterations: 500,
    });
    assert.deepEqual([loose.converged, loose.stop], [true, 'loss']);
    assert.ok(loose.iterations < result.iterations);
  });

  it('stops without claiming convergence when the objective breaks down', () => {
    const broken = minimise(
      (x, g) => {
        g[0] = Number.NaN;
        return (x[0] as number) ** 2;
      },
      Float64Array.from([1]),
      { gradientTolerance: 1e-8, lossTolerance: 0, maxIterations: 10 },
    );
    assert.deepEqual([broken.converged, broken.stop, broken.iterations], [false, 'line-search', 0]);
  });
});

describe('softmax logistic regression', () => {
  // A small sparse problem: 40 rows over 6 features, 3 classes.
  const random = seededRandom(3);
  const rowStart = [0];
  const cols: number[] = [];
  const values: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 40; i++) {
    const label = i % 3;
    for (let f = 0; f < 6; f++)
      if (random() < 0.5 || f === label) {
        cols.push(f);
        values.push((f === label ? 1 : 0.3) + 0.2 * gaussian(random));
      }
    rowStart.push(cols.length);
    labels.push(label);
  }
  const x = {
    rows: 40,
    rowStart: Int32Array.from(rowStart),
    cols: Int32Array.from(cols),
    values: Float64Array.from(values),
  };
  const y = Int32Array.from(labels);

  it('has the gradient its loss has (central finite differences)', () => {
    const objective = logisticObjective(x, y, 3, 6, 2);
    const theta = Float64Array.from({ length: 6 * 3 + 3 }, () => 0.5 * gaussian(random));
    const gradient = new Float64Array(theta.length);
    objective(theta, gradient);
    const scratch = new Float64Array(theta.length);
    for (let i = 0; i < theta.length; i++) {
      const h = 1e-6;
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[i] = (plus[i] as number) + h;
      minus[i] = (minus[i] as number) - h;
      const numeric = (objective(plus, scratch) - objective(minus, scratch)) / (2 * h);
      assert.ok(
        Math.abs(numeric - (gradient[i] as number)) < 1e-7,
        `component ${i}: ${numeric} vs ${gradient[i]}`,
      );
    }
  });

  it('is trained to the optimum: no gradient left, and no nearby point does better', () => {
    const fit = trainLogistic(x, y, 3, 6, {
      c: 2,
      gradientTolerance: 1e-8,
      lossTolerance: 0,
      maxIterations: 500,
    });
    assert.equal(fit.converged, true);
    assert.equal(fit.stop, 'gradient');
    const objective = logisticObjective(x, y, 3, 6, 2);
    const theta = Float64Array.from([...fit.weights, ...fit.bias]);
    const scratch = new Float64Array(theta.length);
    const best = objective(theta, scratch);
    assert.ok(Math.abs(best - fit.loss) < 1e-12);
    for (let trial = 0; trial < 20; trial++) {
      const nearby = theta.map((t) => t + 1e-3 * gaussian(random));
      assert.ok(objective(nearby, scratch) > best);
    }
  });
});

describe('training the need classifier', () => {
  it('is what the classifier module offers the runs', () => {
    assert.equal(classifierApi.trainTextClassifier, trainTextClassifier);
    assert.equal(classifierApi.classifyText, classifyText);
  });

  it('beats the majority class and naive Bayes on realistic synthetic needs, for several data sets', () => {
    for (const seed of [1, 2, 3]) {
      const samples = syntheticNeeds(2000, seed);
      const outcome = trainTextClassifier(samples, { seed });
      assert.ok(outcome.ok);
      const { metrics, baselines, training } = outcome;
      // The set is hard enough that nobody is perfect: naive Bayes is a real competitor, not a straw man.
      assert.ok(baselines.naiveBayes.accuracy > 0.6 && baselines.naiveBayes.accuracy < 0.9);
      assert.ok(metrics.accuracy > baselines.naiveBayes.accuracy, `seed ${seed}: accuracy vs naive Bayes`);
      assert.ok(metrics.macroF1 > baselines.naiveBayes.macroF1, `seed ${seed}: macro-F1 vs naive Bayes`);
      assert.ok(metrics.accuracy > baselines.majority.accuracy + 0.3);
      assert.ok(metrics.macroF1 > baselines.majority.macroF1 + 0.3);
      // The majority baseline predicts the commonest type of the training part.
      assert.equal(baselines.majority.label, 'spare_parts');
      assert.equal(training.converged, true);
      assert.ok(training.iterations > 0 && training.iterations < 1000);
      // Every type has held-out samples, and the split is the stated share.
      assert.equal(metrics.perClass.length, 7);
      assert.ok(metrics.perClass.every((m) => m.support > 0));
      assert.equal(metrics.train + metrics.test, 2000);
      assert.ok(Math.abs(metrics.test / 2000 - 0.2) < 0.01);
      // Its probabilities mean what they say: held-out expected calibration error under 0.12.
      assert.ok((metrics.calibration?.expectedCalibrationError as number) < 0.12);
    }
  });

  it('is repeatable: the same samples and seed give the same model and figures', () => {
    const samples = syntheticNeeds(300, 9);
    const a = trainTextClassifier(samples, { seed: 4 });
    const b = trainTextClassifier(samples, { seed: 4 });
    assert.ok(a.ok && b.ok);
    assert.deepEqual(a.model, b.model);
    assert.deepEqual(a.metrics, b.metrics);
  });

  it('suggests a type with a softmax confidence, and the label shares for a text without a known word', () => {
    const outcome = trainTextClassifier(syntheticNeeds(2000, 5), { seed: 1 });
    assert.ok(outcome.ok);
    const { model } = outcome;
    const repair = classifyText(model, 'Compressor not working, error code shown, technician needed');
    assert.equal(repair.label, 'repair');
    assert.ok(repair.confidence > 0.8);
    assert.equal(
      classifyText(model, 'Please send quotation: price per unit and volume discount').label,
      'quote_request',
    );
    assert.equal(
      classifyText(model, 'Wrong item delivered, not acceptable, we want a refund').label,
      'complaint',
    );
    const probabilities = labelProbabilities(model, 'Pump not starting');
    assert.ok(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    // No known word: the commonest type, its share of the training needs as the confidence.
    const empty = classifyText(model, 'zzz qqq');
    const spareParts = model.labels.indexOf('spare_parts');
    assert.deepEqual(empty, { label: 'spare_parts', confidence: model.prior[spareParts] });
    assert.ok(
      Math.abs((model.prior[spareParts] as number) - (outcome.counts.spare_parts as number) / 2000) < 1e-7,
    );
  });

  it('learns the types with at least minPerClass needs and names the ones left out', () => {
    const samples = [
      ...syntheticNeeds(200, 6),
      { text: 'Invoice copy please', label: 'invoice' },
      { text: 'Second invoice copy', label: 'invoice' },
      { text: 'no type given', label: '' },
    ];
    const outcome = trainTextClassifier(samples, { seed: 1 });
    assert.ok(outcome.ok);
    assert.ok(outcome.excluded.includes('invoice'));
    assert.equal(outcome.counts.invoice, 2);
    assert.equal(outcome.counts[''], undefined);
    for (const [label, count] of Object.entries(outcome.counts))
      assert.equal(outcome.model.labels.includes(label), count >= 5, label);
    assert.deepEqual(
      outcome.excluded,
      Object.keys(outcome.counts)
        .filter((label) => !outcome.model.labels.includes(label))
        .sort(),
    );
    assert.equal(
      outcome.model.trainedOn,
      outcome.model.labels.reduce((sum, label) => sum + (outcome.counts[label] as number), 0),
    );
  });

  it('says why instead of guessing when there are too few labelled needs', () => {
    const needs = (label: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ text: `${label} need number ${i}`, label }));
    const fewNeeds = trainTextClassifier([...needs('repair', 12), ...needs('complaint', 12)], { seed: 1 });
    assert.deepEqual(fewNeeds, {
      ok: false,
      reason: '24 labelled needs of the types with at least 5 each; training needs at least 30.',
      counts: { repair: 12, complaint: 12 },
    });
    const oneType = trainTextClassifier([...needs('repair', 40), ...needs('complaint', 4)], { seed: 1 });
    assert.deepEqual(oneType, {
      ok: false,
      reason: '1 need type(s) with at least 5 labelled needs; a classifier needs at least 2.',
      counts: { repair: 40, complaint: 4 },
    });
    const none = trainTextClassifier([], { seed: 1 });
    assert.equal(none.ok, false);
    assert.deepEqual(!none.ok && none.counts, {});
    // The thresholds are parameters.
    assert.equal(
      trainTextClassifier([...needs('repair', 12), ...needs('complaint', 12)], { seed: 1, minLabelled: 20 })
        .ok,
      true,
    );
  });
});
