/**
 * Mutation testing (StrykerJS, `npm run test:mutation`) across the twin's Lambda environments.
 *
 * Stryker's instrumented modules talk to its test runner through one object on `globalThis`
 * (`__stryker__`): the runner sets `activeMutant` to switch a mutant on, and in its first,
 * coverage-measuring run the modules count in `mutantCoverage` which mutants each test reached.
 * A Lambda environment of the twin is a worker thread with globals of its own, so without this
 * bridge a handler that runs only there (every handler an end-to-end test reaches through HTTP)
 * is "never reached" to Stryker, and no mutant in it is ever switched on. Both halves are inert
 * outside a mutation run: no `__stryker__` object, nothing sent, nothing merged.
 *
 * - Activation: a new environment gets the active mutant in its environment variables
 *   (`__STRYKER_ACTIVE_MUTANT__`, which instrumented code reads when its own namespace has none).
 *   Environments live no longer than the twin of one test file, and a mutant stays active for a
 *   whole run of that file.
 * - Coverage: after each invocation (and its cold start) the environment hands over what its code
 *   reached and starts counting afresh; the twin adds it to the test running now.
 */

const NAMESPACE = '__stryker__';

type Counts = Record<string, number>;
/** Stryker's coverage record: counts per mutant id, outside any test and per test id. */
export interface MutantCoverage {
  static: Counts;
  perTest: Record<string, Counts>;
}

export interface StrykerNamespace {
  activeMutant?: string | number;
  currentTestId?: string;
  mutantCoverage?: MutantCoverage;
}

const namespace = () => (globalThis as Record<string, unknown>)[NAMESPACE] as StrykerNamespace | undefined;

/** The variables that switch the twin's active mutant on in a new environment (none outside a mutant run). */
export function mutantVariables(ns = namespace()): Record<string, string> {
  const active = ns?.activeMutant;
  return active === undefined ? {} : { __STRYKER_ACTIVE_MUTANT__: String(active) };
}

/**
 * In an environment: what its code reached since the last call, counting afresh from now. The
 * record's own object stays (instrumented modules hold on to it); its two maps are replaced.
 */
export function takeCoverage(ns = namespace()): MutantCoverage | undefined {
  const coverage = ns?.mutantCoverage;
  if (!coverage) return undefined;
  const taken = { static: coverage.static, perTest: coverage.perTest };
  coverage.static = {};
  coverage.perTest = {};
  const reached = Object.keys(taken.static).length + Object.keys(taken.perTest).length;
  return reached === 0 ? undefined : taken;
}

/** In the twin: adds what an environment reached to the test running now (or to none, between tests). */
export function mergeCoverage(coverage: MutantCoverage | undefined, ns = namespace()): void {
  // Only the coverage run counts; while a mutant is active nobody reads coverage.
  if (!coverage || !ns || ns.activeMutant !== undefined) return;
  ns.mutantCoverage ??= { static: {}, perTest: {} };
  const { currentTestId } = ns;
  let into = ns.mutantCoverage.static;
  if (currentTestId !== undefined) {
    into = ns.mutantCoverage.perTest[currentTestId] ?? {};
    ns.mutantCoverage.perTest[currentTestId] = into;
  }
  for (const counts of [coverage.static, ...Object.values(coverage.perTest)]) {
    for (const [id, hits] of Object.entries(counts)) into[id] = (into[id] ?? 0) + hits;
  }
}
