import { beforeAll, beforeEach, inject } from 'vitest';

/**
 * Mutation runs only (vitest.mutation.config.ts): module-level mutants — a regex, a schema, a
 * task's name, built once when its module is imported — are tried against the tests of the files
 * that import them, with the mutant switched on before those imports.
 *
 * Stryker's vitest runner records what code ran while a test ran (per-test coverage) and what ran
 * outside any test ("static": the imports). A module-level mutant that one test also happened to
 * reach (a module it imported lazily) counts as covered by that test alone: with `ignoreStatic`,
 * only that test ran, with the mutant switched on in a `beforeAll`, after the module was built
 * unmutated. The tests that check the regex, importing it at the top of their file, never ran,
 * and the mutant "survived" tests that fail when the same change is made by hand (the tokenizer's
 * regexes, the aggregates' status list; StrykerJS #6144, #6209). Here:
 * - in the dry run, what a file's imports covered is credited to each test of that file, so
 *   those are the tests Stryker runs for such a mutant (a mutant no test file imports stays
 *   static, and `MUTATION_IGNORE_STATIC=1` still leaves it out);
 * - in a mutant run, the mutant is switched on before the test file's imports, as Stryker's own
 *   static mode does. Code that runs inside tests sees no difference.
 *
 * Stryker puts its own setup file first: its `inject`ed values are provided, and its `beforeEach`
 * (which names the current test) runs before this file's.
 */
type Coverage = Record<string, number>;
interface StrykerNamespace {
  activeMutant?: unknown;
  currentTestId?: string;
  mutantCoverage?: { static: Coverage; perTest: Record<string, Coverage> };
}

const provided = inject as unknown as (key: string) => unknown;
const scope = globalThis as unknown as Record<string, StrykerNamespace | undefined>;
const name = provided('globalNamespace') as string;
const namespace = scope[name] ?? {};
scope[name] = namespace;

if (provided('mode') === 'mutant') {
  namespace.activeMutant = provided('activeMutant');
} else {
  // What ran outside tests before this file's imports (Stryker's setup, the environment).
  const before = { ...namespace.mutantCoverage?.static };
  let imported: Coverage = {};
  beforeAll(() => {
    const now = namespace.mutantCoverage?.static ?? {};
    imported = Object.fromEntries(
      Object.entries(now).flatMap(([id, hits]) => (hits > (before[id] ?? 0) ? [[id, 1]] : [])),
    );
  });
  beforeEach(() => {
    const test = namespace.currentTestId;
    const coverage = namespace.mutantCoverage;
    if (test === undefined || coverage === undefined) return;
    const covered = coverage.perTest[test] ?? {};
    coverage.perTest[test] = covered;
    for (const id of Object.keys(imported)) covered[id] = (covered[id] ?? 0) + 1;
  });
}
