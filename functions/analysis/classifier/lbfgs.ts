/**
 * Limited-memory BFGS: minimises a smooth function from its value and gradient, keeping the last
 * `memory` steps to approximate the curvature. Chosen for the classifier because its objective
 * (softmax loss + L2) is smooth and strictly convex in the weights: L-BFGS reaches the optimum in
 * tens to a few hundred passes over the data, where plain gradient descent needs thousands, and
 * unlike SAG/SGD it has no learning rate to tune and a clean stopping test (the gradient itself).
 *
 * The step length is found by backtracking until the Armijo condition holds (enough decrease), and a
 * step pair is kept only when it shows positive curvature, which keeps the approximation positive
 * definite without a full Wolfe search.
 */
export interface LbfgsOptions {
  /** Stop when no gradient component is larger than this (the optimality test). */
  gradientTolerance: number;
  /** …or when an iteration lowers the objective by less than this, relative to its size. */
  lossTolerance: number;
  maxIterations: number;
  memory?: number;
}

export type LbfgsStop = 'gradient' | 'loss' | 'iterations' | 'line-search';

export interface LbfgsResult {
  x: Float64Array;
  loss: number;
  /** The largest gradient component at `x`. */
  gradientNorm: number;
  iterations: number;
  /** True when stopped by the gradient or the loss test; false at the iteration cap or a failed line search. */
  converged: boolean;
  stop: LbfgsStop;
}

/** `objective(x, gradient)` returns f(x) and writes ∇f(x) into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 40;

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] as number));
  return max;
}

export function minimise(objective: Objective, start: Float64Array, options: LbfgsOptions): LbfgsResult {
  const size = start.length;
  const memory = options.memory ?? 10;
  let x = Float64Array.from(start);
  let gradient = new Float64Array(size);
  let loss = objective(x, gradient);
  let next = new Float64Array(size);
  let nextGradient = new Float64Array(size);
  const direction = new Float64Array(size);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const rhos: number[] = [];
  const alphas = new Float64Array(memory);
  const result = (iterations: number, stop: LbfgsStop): LbfgsResult => ({
    x,
    loss,
    gradientNorm: maxAbs(gradient),
    iterations,
    converged: stop === 'gradient' || stop === 'loss',
    stop,
  });
  if (maxAbs(gradient) <= options.gradientTolerance) return result(0, 'gradient');

  for (let iteration = 1; iteration <= options.maxIterations; iteration++) {
    // Two-loop recursion: direction = −H·gradient with H the inverse-curvature estimate.
    for (let i = 0; i < size; i++) direction[i] = -(gradient[i] as number);
    for (let m = steps.length - 1; m >= 0; m--) {
      const alpha = (rhos[m] as number) * dot(steps[m] as Float64Array, direction);
      alphas[m] = alpha;
      const change = changes[m] as Float64Array;
      for (let i = 0; i < size; i++) direction[i] = (direction[i] as number) - alpha * (change[i] as number);
    }
    if (steps.length > 0) {
      const last = changes[changes.length - 1] as Float64Array;
      const scale = 1 / ((rhos[rhos.length - 1] as number) * dot(last, last));
      for (let i = 0; i < size; i++) direction[i] = (direction[i] as number) * scale;
    }
    for (let m = 0; m < steps.length; m++) {
      const beta = (rhos[m] as number) * dot(changes[m] as Float64Array, direction);
      const step = steps[m] as Float64Array;
      const factor = (alphas[m] as number) - beta;
      for (let i = 0; i < size; i++) direction[i] = (direction[i] as number) + factor * (step[i] as number);
    }
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Not a descent direction (rounding on a nearly flat objective): forget the curvature.
      steps.length = changes.length = rhos.length = 0;
      for (let i = 0; i < size; i++) direction[i] = -(gradient[i] as number);
      slope = dot(gradient, direction);
    }
    // The first step has no curvature to scale it: a unit move along the gradient's direction.
    let length = steps.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let nextLoss = Number.NaN;
    let accepted = false;
    for (let tries = 0; tries < MAX_BACKTRACKS; tries++) {
      for (let i = 0; i < size; i++) next[i] = (x[i] as number) + length * (direction[i] as number);
      nextLoss = objective(next, nextGradient);
      if (nextLoss <= loss + ARMIJO * length * slope) {
        accepted = true;
        break;
      }
      length /= 2;
    }
    if (!accepted) return result(iteration - 1, 'line-search');

    const step = steps.length === memory ? (steps.shift() as Float64Array) : new Float64Array(size);
    const change = changes.length === memory ? (changes.shift() as Float64Array) : new Float64Array(size);
    if (rhos.length === memory) rhos.shift();
    for (let i = 0; i < size; i++) {
      step[i] = (next[i] as number) - (x[i] as number);
      change[i] = (nextGradient[i] as number) - (gradient[i] as number);
    }
    const curvature = dot(step, change);
    if (curvature > 1e-12 * Math.sqrt(dot(step, step) * dot(change, change))) {
      steps.push(step);
      changes.push(change);
      rhos.push(1 / curvature);
    }
    const previousLoss = loss;
    [x, next] = [next, x];
    [gradient, nextGradient] = [nextGradient, gradient];
    loss = nextLoss;
    if (maxAbs(gradient) <= options.gradientTolerance) return result(iteration, 'gradient');
    if (previousLoss - loss <= options.lossTolerance * Math.max(Math.abs(previousLoss), Math.abs(loss), 1))
      return result(iteration, 'loss');
  }
  return result(options.maxIterations, 'iterations');
}
