/**
 * `npm run fuzz [-- <vitest args>]`: the API fuzz suite (test/fuzz/) run long, with a random seed:
 * ORDERLY_FUZZ_RUNS cases per operation and kind (default 25; `npm test` runs 2 with a fixed
 * seed). It prints the seed and how to replay the run before and after it, and the suite prints
 * how many cases it sent and their status classes. Replay one operation with its seed:
 * `ORDERLY_FUZZ_SEED=<seed> npm run fuzz -- -t createOrder`.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const VITEST = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));

const seed = process.env.ORDERLY_FUZZ_SEED ?? String(randomInt(1, 2 ** 31 - 1));
const runs = process.env.ORDERLY_FUZZ_RUNS ?? '25';
if (!/^-?\d+$/.test(seed) || !/^\d+$/.test(runs) || Number(runs) < 1) {
  console.error('ORDERLY_FUZZ_SEED must be an integer and ORDERLY_FUZZ_RUNS a positive one');
  process.exit(2);
}
const replay = `replay: ORDERLY_FUZZ_SEED=${seed} ORDERLY_FUZZ_RUNS=${runs} npm run fuzz`;
console.log(`fuzz: seed ${seed}, ${runs} cases per operation and kind (${replay})`);

const suite = spawn(process.execPath, [VITEST, 'run', '--project', 'fuzz', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, ORDERLY_FUZZ_SEED: seed, ORDERLY_FUZZ_RUNS: runs, ORDERLY_FUZZ_REPORT: '1' },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => suite.kill(signal));
const code = await new Promise<number>((resolve) =>
  suite.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))),
);
console.log(`fuzz: seed ${seed} ${code === 0 ? 'passed' : 'failed'}; ${replay}`);
process.exit(code);
