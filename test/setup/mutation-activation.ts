import { inject } from 'vitest';

/**
 * Mutation runs only (vitest.mutation.config.ts): switch the mutant under test on before the test
 * file's imports run, not after them.
 *
 * Stryker's vitest runner switches a "runtime" mutant on in a `beforeAll`, which runs after the
 * test file has imported the code under test. A mutant in module-level code (a regex, a schema, a
 * task's name, built once at import) that some test also reached while running is planned as
 * runtime when `ignoreStatic` is on, so the module was built unmutated and the mutant "survived"
 * tests that kill it when the same change is made by hand (StrykerJS #6144, #6209). Switching it on
 * here, as Stryker's own static mode does, changes nothing for code that runs inside tests: the
 * runner runs only the tests that cover the mutant either way.
 *
 * Stryker puts its own setup file first, so its `inject`ed values are provided before this runs.
 */
const provided = inject as unknown as (key: string) => unknown;
if (provided('mode') === 'mutant') {
  const name = provided('globalNamespace') as string;
  const scope = globalThis as unknown as Record<string, { activeMutant?: unknown } | undefined>;
  const namespace = scope[name] ?? {};
  scope[name] = namespace;
  namespace.activeMutant = provided('activeMutant');
}
