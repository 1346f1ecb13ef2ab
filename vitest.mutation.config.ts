import { readdirSync, readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * The projects StrykerJS runs for each mutant (stryker.config.mjs): by default the in-process ones,
 * whose handlers run in the test's own process. The twin's Lambda environments are worker threads
 * with globals of their own; local/lambda/mutation-bridge.ts carries the active mutant into them
 * and their coverage back, so MUTATION_PROJECTS=unit,integration,workflow-runner,workflow-tasks,e2e
 * adds the end-to-end tests, and the handlers only they reach are measured too (a longer run:
 * every e2e file starts a twin). Infra synthesises CDK templates and mutates nothing in functions/
 * or local/.
 * The workflow project drives orders through a twin (its runner in the test's process, its task
 * handlers in those worker threads) and takes minutes per run: MUTATION_PROJECTS=…,workflow adds it,
 * e.g. when mutating local/workflow and local/stepfunctions. Its files that start no twin (the task
 * functions run in-process against DynamoDB Local, e.g. task-races) are in by default, as
 * `workflow-tasks`.
 */
const PROJECTS = (process.env.MUTATION_PROJECTS ?? 'unit,integration,workflow-runner,workflow-tasks').split(
  ',',
);
// MUTATION_EXCLUDE=glob,glob leaves test files out, e.g. to measure a score before new tests.
const EXCLUDE = (process.env.MUTATION_EXCLUDE ?? '').split(',').filter(Boolean);
/**
 * MUTATION_TESTS=glob,glob runs only these test files (each in the project whose folder it names).
 * A score measured so is a lower bound: the tests left out could only kill more. It makes a file
 * of module-level code (rules.ts: schemas) measurable in a session, where each of its mutants would
 * otherwise rerun every test file that imports it, however indirectly.
 */
const ONLY = (process.env.MUTATION_TESTS ?? '').split(',').filter(Boolean);
/**
 * Tests of the source text rather than of behaviour: in Stryker's sandbox the mutated files are
 * instrumented (every literal wrapped in a mutant switch), so a scan of their text finds nothing
 * it knows, and the dry run fails before any mutant is tried.
 */
const SOURCE_TEXT_TESTS = ['test/unit/event-catalogue.test.ts'];
/** test/workflow's files that never start a twin: read once, so a new one is in without a list. */
const WORKFLOW_TASK_TESTS = readdirSync('test/workflow')
  .filter((file) => file.endsWith('.test.ts'))
  .filter((file) => !readFileSync(`test/workflow/${file}`, 'utf8').includes('startTestTwin'))
  .map((file) => `test/workflow/${file}`);
const allOf = (name: string) =>
  name === 'workflow-tasks' ? WORKFLOW_TASK_TESTS : [`test/${name}/**/*.test.ts`];
const includeOf = (name: string) => {
  if (ONLY.length === 0) return allOf(name);
  // workflow-tasks is a list of files: only the ones named exactly; workflow holds test/workflow's rest.
  if (name === 'workflow-tasks') return ONLY.filter((glob) => WORKFLOW_TASK_TESTS.includes(glob));
  return ONLY.filter((glob) => glob.startsWith(`test/${name}/`));
};
const project = (name: string) => ({
  extends: true as const,
  test: { name, include: includeOf(name), exclude: ['**/node_modules/**', ...SOURCE_TEXT_TESTS, ...EXCLUDE] },
});
// The whole workflow project already holds the in-process files.
const NAMES = PROJECTS.includes('workflow') ? PROJECTS.filter((p) => p !== 'workflow-tasks') : PROJECTS;

export default defineConfig({
  test: {
    // One DynamoDB Local per Stryker worker (its vitest instance), started once for all mutants.
    globalSetup: ['test/setup/dynamodb-local.ts'],
    // module-level-mutants: mutants built at import are tried against the tests of the files importing them.
    setupFiles: ['test/setup/module-level-mutants.ts', 'test/setup/environment.ts'],
    // As the main config: tests wait on conditions, never on a wall-clock budget of their own.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    projects: NAMES.filter((name) => includeOf(name).length > 0).map(project),
  },
});
