import { defineConfig } from 'vitest/config';

/**
 * The whole suite on vitest: one project per kind of test (the folders under test/), one
 * DynamoDB Local for the run (test/setup/dynamodb-local.ts), and per-file tables so files run
 * in parallel without seeing each other's data.
 */
const project = (name: string, options: { testTimeout?: number } = {}) => ({
  extends: true as const,
  test: { name, include: [`test/${name}/**/*.test.ts`], ...options },
});

export default defineConfig({
  test: {
    globalSetup: ['test/setup/dynamodb-local.ts'],
    setupFiles: ['test/setup/environment.ts'],
    // The twin and DynamoDB Local are shared by the files of one worker only through the network;
    // files are I/O-bound, so more of them run at once than there are cores.
    pool: 'forks',
    maxWorkers: 4,
    // Generous, because the suite must pass on a machine whose CPUs are saturated by other work:
    // tests wait on the workflow and on DynamoDB Local, never on a wall-clock budget of their own.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    projects: [
      project('unit'),
      project('integration'),
      project('workflow'),
      project('workflow-runner'),
      project('e2e'),
      project('infra'),
    ],
    // The default reporter, then (on coverage runs) a table with a row per source folder.
    reporters: ['default', './test/setup/coverage-by-folder.ts'],
    coverage: {
      provider: 'v8',
      include: ['functions/**/*.ts', 'local/**/*.ts'],
      // The twin runs handlers in worker threads (its Lambda environments): count them too.
      autoAttachSubprocess: true,
      reporter: ['json-summary', 'html'],
      reportsDirectory: 'coverage',
    },
  },
});
