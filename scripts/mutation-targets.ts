import { spawn } from 'node:child_process';
import { globSync } from 'node:fs';
import { matchesGlob } from 'node:path';

/**
 * What the mutation scripts share: the source files Stryker may mutate (the `mutate` globs of
 * stryker.config.mjs, `!` marking exclusions) and a Stryker run that dies with the script.
 */

// A specifier TypeScript does not resolve: the config is plain JavaScript, read here for its globs.
const configPath: string = '../stryker.config.mjs';
const { default: config } = (await import(configPath)) as { default: { mutate: string[] } };

const include = config.mutate.filter((g) => !g.startsWith('!'));
const exclude = config.mutate.filter((g) => g.startsWith('!')).map((g) => g.slice(1));

/** Of `files` (paths relative to the repository), those the `mutate` globs select. */
export function mutated(files: string[]): string[] {
  return files.filter(
    (f) => include.some((g) => matchesGlob(f, g)) && !exclude.some((g) => matchesGlob(f, g)),
  );
}

/** Every source file the `mutate` globs select, sorted. */
export function mutableFiles(): string[] {
  return mutated([...new Set(include.flatMap((g) => globSync(g)))]).sort();
}

/**
 * Runs `npx stryker run --mutate <mutate>` under the run name `run` (reports/mutation/<run>/),
 * printing how long it took, and resolves with its exit status. Stryker runs in a process group of
 * its own: when this script is interrupted or terminated, the whole group (Stryker, its test
 * runners, their DynamoDB Local) is terminated with it instead of being left behind.
 */
export async function runStryker(mutate: string, run: string): Promise<number> {
  const started = Date.now();
  const child = spawn('npx', ['stryker', 'run', '--mutate', mutate], {
    stdio: 'inherit',
    env: { ...process.env, MUTATION_RUN: run },
    detached: true,
  });
  const stop = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    } finally {
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const status = await new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))),
  );
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  console.log(`Stryker took ${Math.round((Date.now() - started) / 1000)} s`);
  return status;
}
