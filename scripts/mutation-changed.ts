import { execFileSync, spawnSync } from 'node:child_process';
import { mutated, runStryker } from './mutation-targets.ts';

/**
 * CI mode of mutation testing: mutates only the source files (the `mutate` globs of
 * stryker.config.mjs) changed since the merge base with origin/main — or, on main itself or a clone
 * without origin/main, since HEAD~1 — then prints the score table (scripts/mutation-score.ts) and
 * exits with its status. Skips with a message, exit 0, when no such file changed.
 *
 *   npm run test:mutation:changed
 */

const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
const tryGit = (...args: string[]) => {
  try {
    return git(...args);
  } catch {
    return undefined;
  }
};

function base(): string {
  // MUTATION_BASE=<commit> compares with that commit instead (CI with another default branch).
  if (process.env.MUTATION_BASE) return git('rev-parse', process.env.MUTATION_BASE);
  const head = git('rev-parse', 'HEAD');
  const mergeBase = tryGit('merge-base', 'HEAD', 'origin/main');
  if (mergeBase && mergeBase !== head) return mergeBase;
  const parent = tryGit('rev-parse', 'HEAD~1');
  if (!parent) throw new Error('No origin/main to compare with and no parent commit');
  return parent;
}

const since = base();
// Committed changes since the base and, locally, uncommitted ones; deleted files have nothing to mutate.
const changed = git('diff', '--name-only', '--diff-filter=ACMR', since).split('\n').filter(Boolean);
const files = mutated(changed);
if (files.length === 0) {
  console.log(`No source file to mutate changed since ${since.slice(0, 12)}: mutation testing skipped.`);
  process.exit(0);
}
console.log(`Mutating ${files.length} file(s) changed since ${since.slice(0, 12)}:\n  ${files.join('\n  ')}`);
const run = process.env.MUTATION_RUN ?? 'changed';
const status = await runStryker(files.join(','), run);
if (status !== 0) process.exit(status);
const scored = spawnSync(
  process.execPath,
  ['--import', './local/ts-hooks.mjs', 'scripts/mutation-score.ts'],
  {
    stdio: 'inherit',
    env: { ...process.env, MUTATION_RUN: run },
  },
);
process.exit(scored.status ?? 1);
