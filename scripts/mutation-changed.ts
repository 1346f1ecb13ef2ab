import { execFileSync, spawnSync } from 'node:child_process';
import { matchesGlob } from 'node:path';

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

export function mutated(files: string[], globs: readonly string[]): string[] {
  const include = globs.filter((g) => !g.startsWith('!'));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  return files.filter(
    (f) => include.some((g) => matchesGlob(f, g)) && !exclude.some((g) => matchesGlob(f, g)),
  );
}

// A specifier TypeScript does not resolve: the config is plain JavaScript, read here for its globs.
const configPath: string = '../stryker.config.mjs';
const { default: config } = (await import(configPath)) as { default: { mutate: string[] } };

const since = base();
// Committed changes since the base and, locally, uncommitted ones; deleted files have nothing to mutate.
const changed = git('diff', '--name-only', '--diff-filter=ACMR', since).split('\n').filter(Boolean);
const files = mutated(changed, config.mutate);
if (files.length === 0) {
  console.log(`No source file to mutate changed since ${since.slice(0, 12)}: mutation testing skipped.`);
  process.exit(0);
}
console.log(`Mutating ${files.length} file(s) changed since ${since.slice(0, 12)}:\n  ${files.join('\n  ')}`);
const env = { ...process.env, MUTATION_RUN: process.env.MUTATION_RUN ?? 'changed' };
const started = Date.now();
const stryker = spawnSync('npx', ['stryker', 'run', '--mutate', files.join(',')], { stdio: 'inherit', env });
console.log(`Stryker took ${Math.round((Date.now() - started) / 1000)} s`);
if (stryker.status !== 0) process.exit(stryker.status ?? 1);
const scored = spawnSync(process.execPath, ['--import', './local/ts-hooks.ts', 'scripts/mutation-score.ts'], {
  stdio: 'inherit',
  env,
});
process.exit(scored.status ?? 1);
