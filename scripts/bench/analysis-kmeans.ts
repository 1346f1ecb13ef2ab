/**
 * `npm run bench:analysis -- kmeans [--rows 100000] [--repeats 5] [--spreads 1,3] [--seed 1]`
 *
 * The segments' k-means (functions/analysis/segments/kmeans.ts) on 100,000 × 16 standardised
 * synthetic features: 8 seeded clusters whose centres are drawn per feature from N(0, spread²),
 * rows scattered around them with N(0, 1) noise, every column then z-scored. Two data sets by
 * default: spread 1, clusters that touch (centres about 4 noise deviations apart in 16
 * dimensions), as customer segments do, where Lloyd's algorithm needs several iterations; and
 * spread 3, well-separated blobs, where it needs two and the seeding is most of the work.
 * k = 8, n_init 1 and 4, max_iter 300, tol 1e-4. Each setting runs three times to warm the JIT
 * (a run computes 7 k candidates × n_init fits, so the code is hot), then `--repeats` times with
 * seeds 1, 2, …: median wall and CPU time, iterations, inertia; peak memory (maxRSS) of this
 * process.
 *
 * When Debian's python3-sklearn is there (`/usr/bin/python3 -c 'import sklearn'`), the same rows
 * go to a temporary file and scripts/bench/kmeans_sklearn.py fits KMeans(algorithm="lloyd",
 * init="k-means++") with the same n_init, max_iter and tol, random_state 0, 1, …: once with the
 * threads it finds (OpenMP and OpenBLAS, reported by threadpoolctl), once with
 * OMP_NUM_THREADS=1 and OPENBLAS_NUM_THREADS=1 — the like-for-like comparison with our single
 * thread — and, for reference, its own bounded variant (algorithm="elkan") on one thread.
 * scikit-learn cannot share our seed, so both inertias are printed with their ratio (best of the
 * repeats and median), and the time ratio is sklearn's median over ours (above 1: ours is faster).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { gaussian, seededRandom } from '../../functions/analysis/random';
import { kmeans } from '../../functions/analysis/segments/kmeans';
import { trialSlots } from '../../functions/analysis/segments/seeding';
import { kernelBytes } from '../../functions/analysis/segments/simd-kernels';
import { percentile } from './percentiles';

const D = 16;
const K = 8;
const MAX_ITER = 300;
const TOL = 1e-4;
const N_INITS = [1, 4];
const PYTHON = '/usr/bin/python3';

interface Fit {
  seconds: number;
  cpuSeconds: number;
  iterations: number;
  inertia: number;
}

interface SklearnReport {
  sklearn: string;
  threads: { api: string; library: string; threads: number }[];
  fits: Fit[];
  maxRssKiB: number;
}

export async function benchKMeans(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: false,
    options: {
      rows: { type: 'string', default: '100000' },
      repeats: { type: 'string', default: '7' },
      spreads: { type: 'string', default: '1,3' },
      seed: { type: 'string', default: '1' },
    },
  });
  const n = Number(values.rows);
  const repeats = Number(values.repeats);
  const sklearn = spawnSync(PYTHON, ['-c', 'import sklearn, threadpoolctl']).status === 0;
  console.log(`load average at start: ${load()} (${availableParallelism()} cores)`);
  for (const spread of String(values.spreads).split(',').map(Number)) {
    const data = standardisedBlobs(n, D, K, spread, Number(values.seed));
    console.log(
      `\ndata: ${n} × ${D}, ${K} clusters, spread ${spread}, z-scored; k = ${K}, max_iter ${MAX_ITER}, tol ${TOL}`,
    );
    const ours = new Map<number, Fit[]>();
    for (const nInit of N_INITS) {
      for (let warm = 0; warm < 3; warm++)
        kmeans(data, n, D, { k: K, nInit, maxIter: MAX_ITER, tol: TOL, seed: 1000 + warm });
      const fits: Fit[] = [];
      for (let seed = 1; seed <= repeats; seed++) fits.push(fitOurs(data, n, nInit, seed));
      ours.set(nInit, fits);
      print(`orderly (Lloyd with Hamerly bounds, wasm SIMD, 1 thread) n_init ${nInit}`, fits);
    }
    const memory = process.memoryUsage();
    console.log(
      `memory: maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (whole process so far), ` +
        `heap used ${mib(memory.heapUsed)} MiB, array buffers ${mib(memory.arrayBuffers)} MiB ` +
        `(the data: ${mib(data.byteLength)} MiB; k-means's working memory: ${mib(workingBytes(n))} MiB, a padded copy of the data included)`,
    );
    if (sklearn) compareWithSklearn(data, n, repeats, ours);
  }
  if (!sklearn)
    console.log('\nscikit-learn: not installed (apt-get install -y python3-sklearn); no comparison.');
  console.log(`\nload average at end: ${load()}`);
}

function fitOurs(data: Float64Array, n: number, nInit: number, seed: number): Fit {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = kmeans(data, n, D, { k: K, nInit, maxIter: MAX_ITER, tol: TOL, seed });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    iterations: result.iterations,
    inertia: result.inertia,
  };
}

function compareWithSklearn(data: Float64Array, n: number, repeats: number, ours: Map<number, Fit[]>): void {
  const folder = mkdtempSync(join(tmpdir(), 'kmeans-bench-'));
  try {
    const file = join(folder, 'data.f64');
    writeFileSync(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const oneThread = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
    for (const [name, algorithm, env] of [
      ['threads as found', 'lloyd', {}],
      ['one thread', 'lloyd', oneThread],
      ['one thread', 'elkan', oneThread],
    ] as const) {
      for (const nInit of N_INITS) {
        const report = runSklearn(file, n, nInit, repeats, algorithm, env);
        const threads = report.threads.map((t) => `${t.library} ${t.threads}`).join(', ');
        print(`sklearn ${report.sklearn} ${algorithm} n_init ${nInit} (${name}: ${threads})`, report.fits);
        const mine = ours.get(nInit) as Fit[];
        const theirs = report.fits;
        const wall = median(theirs.map((f) => f.seconds)) / median(mine.map((f) => f.seconds));
        const cpu = median(theirs.map((f) => f.cpuSeconds)) / median(mine.map((f) => f.cpuSeconds));
        const best = Math.min(...mine.map((f) => f.inertia)) / Math.min(...theirs.map((f) => f.inertia));
        const typical = median(mine.map((f) => f.inertia)) / median(theirs.map((f) => f.inertia));
        console.log(
          `  → time sklearn/orderly: wall ${wall.toFixed(2)}×, CPU ${cpu.toFixed(2)}×; ` +
            `inertia orderly/sklearn: best ${best.toFixed(6)} (${pct(best)}), median ${typical.toFixed(6)} (${pct(typical)}); ` +
            `sklearn maxRSS ${(report.maxRssKiB / 1024).toFixed(0)} MiB`,
        );
      }
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function runSklearn(
  file: string,
  n: number,
  nInit: number,
  repeats: number,
  algorithm: string,
  env: Record<string, string>,
): SklearnReport {
  const script = join(import.meta.dirname, 'kmeans_sklearn.py');
  const args = [file, n, D, K, nInit, MAX_ITER, TOL, repeats, algorithm].map(String);
  const run = spawnSync(PYTHON, [script, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`kmeans_sklearn.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as SklearnReport;
}

/**
 * `k` clusters of `n / k` rows on average (each row picks its cluster at random): centres from
 * N(0, spread²) per feature, rows at centre + N(0, 1), every column then z-scored like the
 * segments' own features.
 */
export function standardisedBlobs(
  n: number,
  d: number,
  k: number,
  spread: number,
  seed: number,
): Float64Array {
  const random = seededRandom(seed);
  const centres = Float64Array.from({ length: k * d }, () => gaussian(random) * spread);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(random() * k);
    for (let t = 0; t < d; t++) data[i * d + t] = (centres[c * d + t] as number) + gaussian(random);
  }
  for (let t = 0; t < d; t++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += data[i * d + t] as number;
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += ((data[i * d + t] as number) - mean) ** 2;
    const sd = Math.sqrt(squares / n) || 1;
    for (let i = 0; i < n; i++) data[i * d + t] = ((data[i * d + t] as number) - mean) / sd;
  }
  return data;
}

function print(title: string, fits: Fit[]): void {
  console.log(
    `${title}: median ${(median(fits.map((f) => f.seconds)) * 1000).toFixed(1)} ms wall, ` +
      `${(median(fits.map((f) => f.cpuSeconds)) * 1000).toFixed(1)} ms CPU; ` +
      `iterations ${fits.map((f) => f.iterations).join(' ')}; ` +
      `inertia ${fits.map((f) => f.inertia.toFixed(1)).join(' ')}`,
  );
}

/** kmeans.ts's working memory: the kernels' (with the padded copy of the rows), four Float64Arrays and the labels returned. */
const workingBytes = (n: number) => kernelBytes(n, D, K, trialSlots(K)) + n * (4 * 8 + 4);
const median = (values: number[]) => percentile(values, 50);
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const pct = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(4)} %`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
