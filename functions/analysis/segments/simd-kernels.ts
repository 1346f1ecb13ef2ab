import { assemble, type Code, i32, loop, op, v128 } from './wasm';

/**
 * The loops k-means spends its time in, in WebAssembly with two-lane f64 SIMD, working on
 * a padded copy of the rows in the module's memory (each row `stride` values, an even number, the
 * padding zeros, so that every row splits into whole pairs):
 *
 * - `score4`: k-means++ seeding — four candidates' squared distances to every row, and the
 *   potential each would leave (the sum of min(distance, row's current closest)).
 * - `ownDots`: the rows of a list against their own centroid: Hamerly's tightening step.
 * - `nearest`: the rows of a list against every centroid, four at a time, keeping the nearest
 *   and second nearest: the rows the assignment's bounds cannot settle.
 * - `sums`: every row added to its cluster's total, for the centroid update.
 * - `ownDistances`: every row's squared distance to its centroid, in the exact difference form:
 *   the inertia. (`norms` fills in the rows' squared norms, `deviations` the columns' squared
 *   deviations from their means, for the variances.)
 *
 * Distances use ‖x‖² + ‖c‖² − 2x·c (the form scikit-learn's BLAS path uses): kmeans.ts centres
 * rows that sit far from the origin, so nothing is lost to cancellation.
 */

// The fragments every kernel is written in. Locals are numbers (parameters first); strides and
// addresses are in bytes.

/** The address base + offset (offset a local, e.g. a loop's byte counter). */
const addressOf = (base: number, offset: number): Code => [...op.get(base), ...op.get(offset), ...op.add];
/** The two f64 at base + offset. */
const pairAt = (base: number, offset: number): Code => [...addressOf(base, offset), ...op.v128Load()];
/** The address of row `index` of a table whose rows are `stride` bytes apart. */
const rowAt = (table: number, index: number, stride: number): Code => [
  ...op.get(table),
  ...op.get(index),
  ...op.get(stride),
  ...op.mul,
  ...op.add,
];
/** The address of element `index` of an array of i32 (shift 2) or f64 (shift 3). */
const elementAt = (array: number, index: number, shift: 2 | 3): Code => [
  ...op.get(array),
  ...op.get(index),
  ...op.const(shift),
  ...op.shl,
  ...op.add,
];
/** The address of the centroid that labels[index] names. */
const ownCentreAt = (centres: number, labels: number, index: number, stride: number): Code => [
  ...op.get(centres),
  ...elementAt(labels, index, 2),
  ...op.load(),
  ...op.get(stride),
  ...op.mul,
  ...op.add,
];
/** acc += a × b, lane by lane. */
const addProduct = (acc: number, a: Code, b: Code): Code => [
  ...op.get(acc),
  ...a,
  ...b,
  ...op.mul2,
  ...op.add2,
  ...op.set(acc),
];
/** (a[0] + a[1], b[0] + b[1]): two accumulators' lane sums side by side. */
const pairOfSums = (a: number, b: number): Code => [
  ...op.get(a),
  ...op.get(b),
  ...op.pickLane(0),
  ...op.get(a),
  ...op.get(b),
  ...op.pickLane(1),
  ...op.add2,
];
/** out[index] = acc[0] + acc[1], out an array of f64. */
const storeLaneSum = (out: number, index: number, acc: number): Code => [
  ...elementAt(out, index, 3),
  ...op.get(acc),
  ...op.extractLane(0),
  ...op.get(acc),
  ...op.extractLane(1),
  ...op.f64Add,
  ...op.f64Store(),
];
const zero = (local: number): Code => [...op.v128Zero, ...op.set(local)];

// score4(data, n, stride, norms, closest, i0, i1, i2, i3, trial, out)
const score4: Code = (() => {
  const [data, n, stride, norms, closest, i0, i1, i2, i3, trial, out] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [i, row, t, p0, p1, p2, p3, nBytes, at] = [11, 12, 13, 14, 15, 16, 17, 18, 19];
  const [acc0, acc1, acc2, acc3, x, norms01, norms23, pot01, pot23, e01, e23, near] = [
    20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
  ];
  const normOf = (index: number): Code => [...elementAt(norms, index, 3), ...op.f64Load()];
  // e = (‖x‖² + ‖c‖²) − 2 x·c for two candidates at once
  const distances = (a: number, b: number, candidateNorms: number, into: number): Code => [
    ...op.get(x),
    ...op.get(candidateNorms),
    ...op.add2,
    ...pairOfSums(a, b),
    ...pairOfSums(a, b),
    ...op.add2,
    ...op.sub2,
    ...op.set(into),
  ];
  const storeLane = (from: number, lane: 0 | 1, slot: number): Code => [
    ...op.get(at),
    ...op.get(nBytes),
    ...op.const(slot),
    ...op.mul,
    ...op.add,
    ...op.get(from),
    ...op.extractLane(lane),
    ...op.f64Store(),
  ];
  return [
    ...rowAt(data, i0, stride),
    ...op.set(p0),
    ...rowAt(data, i1, stride),
    ...op.set(p1),
    ...rowAt(data, i2, stride),
    ...op.set(p2),
    ...rowAt(data, i3, stride),
    ...op.set(p3),
    ...normOf(i0),
    ...op.splat,
    ...normOf(i1),
    ...op.replaceLane1,
    ...op.set(norms01),
    ...normOf(i2),
    ...op.splat,
    ...normOf(i3),
    ...op.replaceLane1,
    ...op.set(norms23),
    ...op.get(n),
    ...op.const(3),
    ...op.shl,
    ...op.set(nBytes),
    ...loop(i, op.get(n), op.const(1), [
      ...rowAt(data, i, stride),
      ...op.set(row),
      ...[acc0, acc1, acc2, acc3].flatMap(zero),
      ...loop(t, op.get(stride), op.const(16), [
        ...pairAt(row, t),
        ...op.set(x),
        ...[p0, p1, p2, p3].flatMap((p, q) => addProduct(acc0 + q, op.get(x), pairAt(p, t))),
      ]),
      // x := ‖row‖² in both lanes; at := the row's slot in the first candidate's distances
      ...normOf(i),
      ...op.splat,
      ...op.set(x),
      ...distances(acc0, acc1, norms01, e01),
      ...distances(acc2, acc3, norms23, e23),
      ...elementAt(trial, i, 3),
      ...op.set(at),
      ...storeLane(e01, 0, 0),
      ...storeLane(e01, 1, 1),
      ...storeLane(e23, 0, 2),
      ...storeLane(e23, 1, 3),
      ...elementAt(closest, i, 3),
      ...op.f64Load(),
      ...op.splat,
      ...op.set(near),
      ...op.get(pot01),
      ...op.get(near),
      ...op.get(e01),
      ...op.min2,
      ...op.add2,
      ...op.set(pot01),
      ...op.get(pot23),
      ...op.get(near),
      ...op.get(e23),
      ...op.min2,
      ...op.add2,
      ...op.set(pot23),
    ]),
    ...op.get(out),
    ...op.get(pot01),
    ...op.v128Store(),
    ...op.get(out),
    ...op.get(pot23),
    ...op.v128Store(16),
  ];
})();
const score4Locals = [...new Array(9).fill(i32), ...new Array(12).fill(v128)];

// nearest(data, stride, rows, count, centres, blocks, norms, centreNorms, out): for each listed
// row, its nearest centroid (the first of equals), the squared distance to it and to the second
// nearest, as three f64 at out[3r…3r+2]. Centroids four at a time. Which centroid wins is as good
// as random, and x64 has no conditional move for floating-point registers, so a scalar running
// minimum mispredicts a branch per centroid; instead the two lanes keep their own nearest and
// second nearest (lane 0 the even centroids, lane 1 the odd ones) with `bitselect`, and merge once
// per row the same way. Spare centroids (up to a multiple of four) have norm +∞ and never win.
const nearest: Code = (() => {
  const [data, stride, rows, count, centres, blocks, norms, centreNorms, out] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [r, row, b, t, c0, c1, c2, c3, at] = [9, 10, 11, 12, 13, 14, 15, 16, 17];
  const [acc0, value, x, firsts, nexts, bests, index, distance, below, swappedFirsts] = [
    18, 22, 23, 24, 25, 26, 27, 28, 29, 30,
  ];
  // distance = (‖x‖² + ‖c‖²) − 2 x·c for the centroid pair whose norms are at centreNorms + 32b + offset
  const distances = (sums: number, offset: number): Code => [
    ...op.get(x),
    ...op.get(centreNorms),
    ...op.get(b),
    ...op.const(5),
    ...op.shl,
    ...op.add,
    ...op.v128Load(offset),
    ...op.add2,
    ...pairOfSums(sums, sums + 1),
    ...pairOfSums(sums, sums + 1),
    ...op.add2,
    ...op.sub2,
    ...op.set(distance),
  ];
  // per lane: if distance < first: next = first, best = index, first = distance; else next = min(next, distance)
  const update: Code = [
    ...op.get(distance),
    ...op.get(firsts),
    ...op.lt2,
    ...op.set(below),
    ...op.get(firsts),
    ...op.get(nexts),
    ...op.get(distance),
    ...op.min2,
    ...op.get(below),
    ...op.bitselect,
    ...op.set(nexts),
    ...op.get(index),
    ...op.get(bests),
    ...op.get(below),
    ...op.bitselect,
    ...op.set(bests),
    ...op.get(distance),
    ...op.get(firsts),
    ...op.get(below),
    ...op.bitselect,
    ...op.set(firsts),
  ];
  return loop(r, op.get(count), op.const(1), [
    ...elementAt(rows, r, 2),
    ...op.load(),
    ...op.set(at), // the row's index, for a moment
    ...rowAt(data, at, stride),
    ...op.set(row),
    ...elementAt(norms, at, 3),
    ...op.f64Load(),
    ...op.splat,
    ...op.set(x),
    ...op.v128Const(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY),
    ...op.set(firsts),
    ...op.v128Const(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY),
    ...op.set(nexts),
    ...zero(bests),
    ...loop(b, op.get(blocks), op.const(1), [
      ...op.get(centres),
      ...op.get(b),
      ...op.get(stride),
      ...op.const(2),
      ...op.shl,
      ...op.mul,
      ...op.add,
      ...op.set(c0),
      ...[c1, c2, c3].flatMap((c) => [...op.get(c - 1), ...op.get(stride), ...op.add, ...op.set(c)]),
      ...[0, 1, 2, 3].flatMap((q) => zero(acc0 + q)),
      ...loop(t, op.get(stride), op.const(16), [
        ...pairAt(row, t),
        ...op.set(value),
        ...[c0, c1, c2, c3].flatMap((c, q) => addProduct(acc0 + q, op.get(value), pairAt(c, t))),
      ]),
      // centroids 4b, 4b + 1, then 4b + 2, 4b + 3
      ...op.get(b),
      ...op.const(2),
      ...op.shl,
      ...op.f64FromI32,
      ...op.splat,
      ...op.v128Const(0, 1),
      ...op.add2,
      ...op.set(index),
      ...distances(acc0, 0),
      ...update,
      ...op.get(index),
      ...op.v128Const(2, 2),
      ...op.add2,
      ...op.set(index),
      ...distances(acc0 + 2, 16),
      ...update,
    ]),
    // The lanes merge, without a branch: against the lanes swapped, lane 0 of `below` says
    // whether the odd lane wins (nearer, or as near with a lower index).
    ...op.get(firsts),
    ...op.get(firsts),
    ...op.swapLanes,
    ...op.set(swappedFirsts),
    ...op.get(swappedFirsts),
    ...op.get(firsts),
    ...op.lt2,
    ...op.get(swappedFirsts),
    ...op.get(firsts),
    ...op.eq2,
    ...op.get(bests),
    ...op.get(bests),
    ...op.swapLanes,
    ...op.get(bests),
    ...op.lt2,
    ...op.and128,
    ...op.or128,
    ...op.set(below),
    ...op.get(out),
    ...op.get(r),
    ...op.const(24),
    ...op.mul,
    ...op.add,
    ...op.set(at),
    // out[3r] = the winner's index
    ...op.get(at),
    ...op.get(bests),
    ...op.get(bests),
    ...op.swapLanes,
    ...op.get(bests),
    ...op.get(below),
    ...op.bitselect,
    ...op.extractLane(0),
    ...op.f64Store(),
    // out[3r + 1] = the winner's first
    ...op.get(at),
    ...op.get(swappedFirsts),
    ...op.get(firsts),
    ...op.get(below),
    ...op.bitselect,
    ...op.extractLane(0),
    ...op.f64Store(8),
    // out[3r + 2] = min(the winner's second, the loser's first)
    ...op.get(at),
    ...op.get(nexts),
    ...op.get(nexts),
    ...op.swapLanes,
    ...op.get(nexts),
    ...op.get(below),
    ...op.bitselect,
    ...op.get(firsts),
    ...op.get(swappedFirsts),
    ...op.get(below),
    ...op.bitselect,
    ...op.min2,
    ...op.extractLane(0),
    ...op.f64Store(16),
  ]);
})();
const nearestLocals = [...new Array(9).fill(i32), ...new Array(13).fill(v128)];

// sums(data, stride, labels, n, sums): each row added to its cluster's row of `sums` (zeroed first).
const sums: Code = (() => {
  const [data, stride, labels, n, totals] = [0, 1, 2, 3, 4];
  const [i, row, sum, t] = [5, 6, 7, 8];
  return loop(i, op.get(n), op.const(1), [
    ...rowAt(data, i, stride),
    ...op.set(row),
    ...ownCentreAt(totals, labels, i, stride),
    ...op.set(sum),
    ...loop(t, op.get(stride), op.const(16), [
      ...addressOf(sum, t),
      ...pairAt(sum, t),
      ...pairAt(row, t),
      ...op.add2,
      ...op.v128Store(),
    ]),
  ]);
})();
const sumsLocals = new Array(4).fill(i32);

// norms(data, stride, n, out): out[i] = ‖row i‖²
const norms: Code = (() => {
  const [data, stride, n, out] = [0, 1, 2, 3];
  const [i, row, t, acc] = [4, 5, 6, 7];
  return loop(i, op.get(n), op.const(1), [
    ...rowAt(data, i, stride),
    ...op.set(row),
    ...zero(acc),
    ...loop(t, op.get(stride), op.const(16), addProduct(acc, pairAt(row, t), pairAt(row, t))),
    ...storeLaneSum(out, i, acc),
  ]);
})();
const normsLocals = [i32, i32, i32, v128];

// deviations(data, stride, n, means, out): out[t] += (row[t] − means[t])² over all rows
const deviations: Code = (() => {
  const [data, stride, n, means, out] = [0, 1, 2, 3, 4];
  const [i, row, t, e] = [5, 6, 7, 8];
  return loop(i, op.get(n), op.const(1), [
    ...rowAt(data, i, stride),
    ...op.set(row),
    ...loop(t, op.get(stride), op.const(16), [
      ...pairAt(row, t),
      ...pairAt(means, t),
      ...op.sub2,
      ...op.set(e),
      ...addressOf(out, t),
      ...pairAt(out, t),
      ...op.get(e),
      ...op.get(e),
      ...op.mul2,
      ...op.add2,
      ...op.v128Store(),
    ]),
  ]);
})();
const deviationsLocals = [i32, i32, i32, v128];

// ownDistances(data, stride, n, centres, labels, out): out[i] = ‖row i − centre(labels[i])‖², the
// exact difference form (the inertia)
const ownDistances: Code = (() => {
  const [data, stride, n, centres, labels, out] = [0, 1, 2, 3, 4, 5];
  const [i, row, c, t, acc, e] = [6, 7, 8, 9, 10, 11];
  return loop(i, op.get(n), op.const(1), [
    ...rowAt(data, i, stride),
    ...op.set(row),
    ...ownCentreAt(centres, labels, i, stride),
    ...op.set(c),
    ...zero(acc),
    ...loop(t, op.get(stride), op.const(16), [
      ...pairAt(row, t),
      ...pairAt(c, t),
      ...op.sub2,
      ...op.set(e),
      ...addProduct(acc, op.get(e), op.get(e)),
    ]),
    ...storeLaneSum(out, i, acc),
  ]);
})();
const ownDistancesLocals = [i32, i32, i32, i32, v128, v128];

// ownDots(data, stride, rows, count, centres, labels, out): out[r] = row(rows[r]) · centre(labels[rows[r]])
const ownDots: Code = (() => {
  const [data, stride, rows, count, centres, labels, out] = [0, 1, 2, 3, 4, 5, 6];
  const [r, i, row, c, t, acc] = [7, 8, 9, 10, 11, 12];
  return loop(r, op.get(count), op.const(1), [
    ...elementAt(rows, r, 2),
    ...op.load(),
    ...op.set(i),
    ...rowAt(data, i, stride),
    ...op.set(row),
    ...ownCentreAt(centres, labels, i, stride),
    ...op.set(c),
    ...zero(acc),
    ...loop(t, op.get(stride), op.const(16), addProduct(acc, pairAt(row, t), pairAt(c, t))),
    ...storeLaneSum(out, r, acc),
  ]);
})();
const ownDotsLocals = [...new Array(5).fill(i32), v128];

/** The part of the WebAssembly JavaScript API used here (the project's libraries do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;
let shared: { memory: { buffer: ArrayBuffer; grow(pages: number): number }; kernels: Exports } | undefined;

/**
 * The module's one instance and its memory, grown to at least `bytes`. Kept from one k-means call
 * to the next: a run clusters the same table for every candidate k, and fresh memory costs its
 * page faults each time (a third of a 100,000-row call's set-up). It stays as large as the
 * largest table clustered (about 1.6 times the table) until the process ends.
 */
function instance(bytes: number) {
  const pages = Math.ceil(bytes / 65536);
  if (!shared) {
    const memory = new wasm.Memory({ initial: Math.max(1, pages) });
    shared = { memory, kernels: new wasm.Instance(module(), { env: { memory } }).exports as Exports };
  } else if (shared.memory.buffer.byteLength < bytes) {
    shared.memory.grow(pages - shared.memory.buffer.byteLength / 65536);
  }
  return shared;
}

const module = () => {
  compiled ??= new wasm.Module(
    assemble([
      { name: 'score4', params: 11, locals: score4Locals, body: score4 },
      { name: 'nearest', params: 9, locals: nearestLocals, body: nearest },
      { name: 'sums', params: 5, locals: sumsLocals, body: sums },
      { name: 'norms', params: 4, locals: normsLocals, body: norms },
      { name: 'ownDistances', params: 6, locals: ownDistancesLocals, body: ownDistances },
      { name: 'deviations', params: 5, locals: deviationsLocals, body: deviations },
      { name: 'ownDots', params: 7, locals: ownDotsLocals, body: ownDots },
    ]),
  );
  return compiled;
};

interface Exports {
  score4(...args: number[]): void;
  nearest(...args: number[]): void;
  sums(...args: number[]): void;
  norms(...args: number[]): void;
  ownDistances(...args: number[]): void;
  deviations(...args: number[]): void;
  ownDots(...args: number[]): void;
}

/**
 * One k-means call's working memory, inside the WebAssembly memory so that the kernels and the
 * JavaScript around them share it: the padded rows, their squared norms, the padded centroids
 * (a multiple of four; the spare ones zero with norm +∞), cluster sums, and the per-row buffers
 * the kernels read or write. The typed arrays are views on that memory, valid until the next
 * SimdKernels is made (k-means is synchronous: one call's kernels are done before the next).
 */
export class SimdKernels {
  readonly stride: number; // values per padded row
  readonly norms: Float64Array; // n
  readonly closest: Float64Array; // n
  readonly trialDistances: Float64Array; // slots × n
  readonly labels: Int32Array; // n
  readonly list: Int32Array; // n: the rows `ownDots` and `nearest` work on
  readonly results: Float64Array; // 3n: what `ownDots` (one per row) and `nearest` (three) wrote
  readonly centreNorms: Float64Array; // 4·blocks
  readonly sums: Float64Array; // 4·blocks × stride
  private readonly rows: Float64Array;
  private readonly centres: Float64Array;
  private readonly potentials: Float64Array;
  private readonly at: Record<Region, number>;
  private readonly kernels: Exports;
  private readonly n: number;
  private readonly d: number;
  private readonly blocks: number;

  constructor(data: Float64Array, n: number, d: number, k: number, slots: number) {
    this.n = n;
    this.d = d;
    this.stride = d + (d % 2);
    this.blocks = Math.ceil(k / 4);
    const sizes = regionSizes(n, d, k, slots);
    let end = 0;
    const at = {} as Record<Region, number>;
    for (const [region, size] of Object.entries(sizes) as [Region, number][]) {
      at[region] = end;
      end += Math.ceil(size / 16) * 16;
    }
    this.at = at;
    const { memory, kernels } = instance(end);
    this.kernels = kernels;
    const f64s = (region: Region) => new Float64Array(memory.buffer, at[region], sizes[region] / 8);
    this.rows = f64s('rows');
    this.norms = f64s('norms');
    this.closest = f64s('closest');
    this.trialDistances = f64s('trial');
    this.labels = new Int32Array(memory.buffer, at.labels, n);
    this.list = new Int32Array(memory.buffer, at.list, n);
    this.results = f64s('results');
    this.centres = f64s('centres');
    this.centreNorms = f64s('centreNorms');
    this.sums = f64s('sums');
    this.potentials = f64s('potentials');
    this.centreNorms.fill(Number.POSITIVE_INFINITY);
    this.centres.fill(0);
    this.load(data);
  }

  /** The rows (n × d, row-major) into the padded copy, with their squared norms. */
  load(data: Float64Array): void {
    const { n, d, stride, at } = this;
    if (stride === d) {
      this.rows.set(data.subarray(0, n * d));
    } else {
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < d; t++) this.rows[i * stride + t] = data[i * d + t] as number;
        this.rows[i * stride + d] = 0;
      }
    }
    this.kernels.norms(at.rows, stride * 8, n, at.norms);
  }

  /** Each column's mean and (population) variance, in two passes for accuracy (as numpy's var). */
  columnMoments(): { means: number[]; variances: number[] } {
    const { n, d, stride, at } = this;
    this.labels.fill(0);
    this.sumByLabel();
    const means = Array.from(this.sums.subarray(0, d), (sum) => sum / n);
    this.centres.fill(0);
    this.centres.set(means);
    this.sums.fill(0);
    this.kernels.deviations(at.rows, stride * 8, n, at.centres, at.sums);
    const variances = Array.from(this.sums.subarray(0, d), (square) => square / n);
    this.centres.fill(0);
    return { means, variances };
  }

  /** Potentials of four candidates (row indices) into `into[g…g+3]`; their distances to trialDistances slots g…g+3. */
  score4(g: number, c0: number, c1: number, c2: number, c3: number, into: Float64Array): void {
    const { at, n } = this;
    const trial = at.trial + g * n * 8;
    this.kernels.score4(
      at.rows,
      n,
      this.stride * 8,
      at.norms,
      at.closest,
      c0,
      c1,
      c2,
      c3,
      trial,
      at.potentials,
    );
    into.set(this.potentials, g);
  }

  /** The centroids (k × d, row-major) into the padded copy the kernels read, with their squared norms. */
  setCentres(centres: Float64Array, k: number): void {
    for (let j = 0; j < k; j++) {
      let norm = 0;
      for (let t = 0; t < this.d; t++) {
        const value = centres[j * this.d + t] as number;
        this.centres[j * this.stride + t] = value;
        norm += value * value;
      }
      this.centreNorms[j] = norm;
    }
  }

  /** results[r] = row(list[r]) · its own centroid (labels), for the first `count` rows of `list`. */
  ownDots(count: number): void {
    const { at } = this;
    this.kernels.ownDots(at.rows, this.stride * 8, at.list, count, at.centres, at.labels, at.results);
  }

  /** results[3r…3r+2] = nearest centroid, squared distance to it, to the second nearest, for list[r], r < count. */
  nearest(count: number): void {
    const { at } = this;
    const stride = this.stride * 8;
    this.kernels.nearest(
      at.rows,
      stride,
      at.list,
      count,
      at.centres,
      this.blocks,
      at.norms,
      at.centreNorms,
      at.results,
    );
  }

  /** The inertia: the sum of every row's squared distance to its centroid (labels), exact form. */
  inertia(): number {
    const { at, n } = this;
    this.kernels.ownDistances(at.rows, this.stride * 8, n, at.centres, at.labels, at.results);
    let total = 0;
    for (let i = 0; i < n; i++) total += this.results[i] as number;
    return total;
  }

  /** sums[j × stride + t]: the total of column t over the rows labelled j. */
  sumByLabel(): void {
    const { at } = this;
    this.sums.fill(0);
    this.kernels.sums(at.rows, this.stride * 8, at.labels, this.n, at.sums);
  }
}

/** The bytes each region of a call's memory takes (before rounding up to 16). */
function regionSizes(n: number, d: number, k: number, slots: number): Record<Region, number> {
  const stride = d + (d % 2);
  const centroids = 4 * Math.ceil(k / 4);
  return {
    rows: n * stride * 8,
    norms: n * 8,
    closest: n * 8,
    trial: slots * n * 8,
    labels: n * 4,
    list: n * 4,
    results: 3 * n * 8,
    centres: centroids * stride * 8,
    centreNorms: centroids * 8,
    sums: centroids * stride * 8,
    potentials: 4 * 8,
  };
}

/** The WebAssembly memory one k-means call needs: the padded copy of the rows and ~80 bytes a row more. */
export const kernelBytes = (n: number, d: number, k: number, slots: number): number =>
  Object.values(regionSizes(n, d, k, slots)).reduce((total, size) => total + Math.ceil(size / 16) * 16, 0);

type Region =
  | 'rows'
  | 'norms'
  | 'closest'
  | 'trial'
  | 'labels'
  | 'list'
  | 'results'
  | 'centres'
  | 'centreNorms'
  | 'sums'
  | 'potentials';
