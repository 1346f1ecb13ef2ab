// @ts-check
/**
 * Mutation testing (issue 13): StrykerJS mutates functions/ and the local/ code that decides
 * behaviour, and runs the in-process vitest projects (vitest.mutation.config.ts) against each
 * mutant. `npm run test:mutation -- --mutate functions/shared/money.ts` scopes a run;
 * `npm run test:mutation:score` prints the per-area table from reports/mutation/mutation.json.
 *
 * Two runs at once must not share a sandbox or an incremental file: MUTATION_RUN=<name> gives a run
 * its own `.stryker-tmp/<name>` and `reports/mutation/<name>/` (reports and incremental file).
 */
const run = process.env.MUTATION_RUN;
if (run !== undefined && !/^[a-z0-9-]+$/.test(run))
  throw new Error(`MUTATION_RUN must be [a-z0-9-]+: ${run}`);
const reports = run ? `reports/mutation/${run}` : 'reports/mutation';
const withEndToEnd = (process.env.MUTATION_PROJECTS ?? '').split(',').includes('e2e');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: {
    configFile: 'vitest.mutation.config.ts',
    // Run only the test files that import the mutated file (directly or not). The end-to-end tests
    // import no handler: they reach them over HTTP, in the twin's worker threads, so `related`
    // would leave every one of them out; with them in (MUTATION_PROJECTS=…,e2e) it is off, and
    // per-test coverage alone picks the tests each mutant runs.
    related: !withEndToEnd,
  },
  // Per-test coverage: each mutant runs only the tests that reached it.
  coverageAnalysis: 'perTest',
  // Only mutants whose code or covering tests changed since the last run are run again.
  incremental: true,
  incrementalFile: `${reports}/stryker-incremental.json`,
  mutate: [
    'functions/**/*.ts',
    '!functions/**/*.d.ts',
    // The local twin's code that decides behaviour: the ASL runner, the Step Functions endpoint,
    // the gateway (routing, tokens and their claims), the scheduler and EventBridge rules.
    'local/workflow/**/*.ts',
    'local/stepfunctions/**/*.ts',
    'local/gateway/**/*.ts',
    'local/scheduler/**/*.ts',
    'local/eventbridge/**/*.ts',
  ],
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `${reports}/mutation.html` },
  jsonReporter: { fileName: `${reports}/mutation.json` },
  clearTextReporter: { allowEmojis: false, reportScoreTable: true, reportMutants: false },
  // Two shared cores: two vitest instances, each with its own DynamoDB Local.
  concurrency: 2,
  // Tests that wait on DynamoDB Local and the workflow are slow on a saturated machine.
  timeoutMS: 30_000,
  // The initial run runs every related test file one after another (one vitest worker per runner).
  dryRunTimeoutMinutes: 40,
  timeoutFactor: 2,
  tempDirName: run ? `.stryker-tmp/${run}` : '.stryker-tmp',
  // The per-file reports and the incremental file are ours; the rest of the checkout is copied.
  // Anchored at the root: functions/reports is source.
  ignorePatterns: ['/.stryker-tmp*', '/reports', '/coverage', '/cdk.out', '/.data', '/dist'],
  cleanTempDir: 'always',
  // MUTATION_IGNORE_STATIC=1 leaves out static mutants (module-level code, such as a task's name or a
  // schema built at import): each of them reruns every related test, and their results here are not
  // trustworthy: ReserveStock's task name, emptied, "survived" 163 tests although one of them fails
  // when the same change is made by hand.
  ignoreStatic: process.env.MUTATION_IGNORE_STATIC === '1',
  thresholds: { high: 90, low: 80, break: null },
};
