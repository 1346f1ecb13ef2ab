import { type LbfgsStop, minimise } from './lbfgs';
import type { SparseRows } from './tfidf';

/**
 * Multinomial logistic regression (softmax) with L2 regularisation, on sparse rows:
 *
 *   minimise  (1/n) Σᵢ −log softmax(W·xᵢ + b)[yᵢ]  +  (λ/2)·‖W‖²,   λ = 1 / (C·n)
 *
 * which is scikit-learn's LogisticRegression(C) objective divided by n (the intercept is not
 * penalised). Strictly convex in W, so L-BFGS finds the one optimum; training stops on the
 * gradient (no component above `gradientTolerance`) or when the loss stops moving.
 *
 * Weights are laid out term-major (`weights[term·K + class]`): a document touches only its own
 * terms, and each term's K weights are adjacent in memory.
 */
export interface LogisticOptions {
  /** Inverse regularisation strength, scikit-learn's C: larger fits the training set more closely. */
  c: number;
  gradientTolerance: number;
  lossTolerance: number;
  maxIterations: number;
}

export interface LinearWeights {
  classes: number;
  features: number;
  /** features × classes, term-major. */
  weights: Float64Array;
  bias: Float64Array;
}

export interface LogisticFit extends LinearWeights {
  iterations: number;
  converged: boolean;
  stop: LbfgsStop;
  loss: number;
  gradientNorm: number;
}

/** Writes the class scores W·x + b of sparse entries into `out`. */
export function scoresInto(
  model: LinearWeights,
  cols: ArrayLike<number>,
  values: ArrayLike<number>,
  from: number,
  to: number,
  out: Float64Array,
): void {
  const k = model.classes;
  for (let c = 0; c < k; c++) out[c] = model.bias[c] as number;
  for (let e = from; e < to; e++) {
    const base = (cols[e] as number) * k;
    const value = values[e] as number;
    for (let c = 0; c < k; c++) out[c] = (out[c] as number) + value * (model.weights[base + c] as number);
  }
}

/** Turns scores into probabilities in place (shifted by the maximum, so exp never overflows). */
export function softmaxInPlace(scores: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const score of scores) max = Math.max(max, score);
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    const e = Math.exp((scores[c] as number) - max);
    scores[c] = e;
    sum += e;
  }
  for (let c = 0; c < scores.length; c++) scores[c] = (scores[c] as number) / sum;
}

/**
 * The objective above for L-BFGS: θ = [W (features × classes, term-major), b (classes)];
 * returns the loss and writes its gradient. Exported so that tests can check the gradient
 * against finite differences.
 */
export function logisticObjective(
  x: SparseRows,
  y: Int32Array,
  classes: number,
  features: number,
  inverseStrength: number,
): (theta: Float64Array, gradient: Float64Array) => number {
  const n = x.rows;
  const lambda = 1 / (inverseStrength * n);
  const weightCount = features * classes;
  const probabilities = new Float64Array(classes);
  const exps = new Float64Array(classes);
  return (theta, gradient) => {
    const model: LinearWeights = {
      classes,
      features,
      weights: theta.subarray(0, weightCount),
      bias: theta.subarray(weightCount),
    };
    gradient.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const from = x.rowStart[i] as number;
      const to = x.rowStart[i + 1] as number;
      scoresInto(model, x.cols, x.values, from, to, probabilities);
      const label = y[i] as number;
      let max = probabilities[0] as number;
      for (let c = 1; c < classes; c++)
        if ((probabilities[c] as number) > max) max = probabilities[c] as number;
      let sum = 0;
      for (let c = 0; c < classes; c++) {
        const e = Math.exp((probabilities[c] as number) - max);
        exps[c] = e;
        sum += e;
      }
      loss += max + Math.log(sum) - (probabilities[label] as number);
      // Residuals p − onehot(y), spread over the row's terms and the bias.
      for (let c = 0; c < classes; c++) probabilities[c] = (exps[c] as number) / sum - (c === label ? 1 : 0);
      for (let e = from; e < to; e++) {
        const base = (x.cols[e] as number) * classes;
        const value = x.values[e] as number;
        for (let c = 0; c < classes; c++)
          gradient[base + c] = (gradient[base + c] as number) + value * (probabilities[c] as number);
      }
      for (let c = 0; c < classes; c++)
        gradient[weightCount + c] = (gradient[weightCount + c] as number) + (probabilities[c] as number);
    }
    let penalty = 0;
    for (let w = 0; w < weightCount; w++) {
      const weight = theta[w] as number;
      penalty += weight * weight;
      gradient[w] = (gradient[w] as number) / n + lambda * weight;
    }
    for (let c = 0; c < classes; c++) gradient[weightCount + c] = (gradient[weightCount + c] as number) / n;
    return loss / n + (lambda / 2) * penalty;
  };
}

export function trainLogistic(
  x: SparseRows,
  y: Int32Array,
  classes: number,
  features: number,
  options: LogisticOptions,
): LogisticFit {
  const weightCount = features * classes;
  const fit = minimise(
    logisticObjective(x, y, classes, features, options.c),
    new Float64Array(weightCount + classes),
    {
      gradientTolerance: options.gradientTolerance,
      lossTolerance: options.lossTolerance,
      maxIterations: options.maxIterations,
    },
  );
  return {
    classes,
    features,
    weights: fit.x.subarray(0, weightCount),
    bias: fit.x.subarray(weightCount),
    iterations: fit.iterations,
    converged: fit.converged,
    stop: fit.stop,
    loss: fit.loss,
    gradientNorm: fit.gradientNorm,
  };
}
