import { defineConfig } from 'vitest/config';
import HeaviestFirst from './test/setup/heaviest-first.ts';

/**
 * The whole suite on vitest: one project per kind of test (the folders under test/), one
 * DynamoDB Local for the run (test/setup/dynamodb-local.ts), and per-file tables so files run
 * in parallel without seeing each other's data.
 */
/**
 * Coverage floors per source folder: statements, branches, functions, lines (%), as measured by
 * `npm test -- --coverage` when they were set, rounded down to 5 %. CI fails below them; raise
 * them when a folder's coverage rises.
 */
const COVERAGE_FLOORS: Record<string, [number, number, number, number]> = {
  functions: [100, 100, 100, 100],
  'functions/aggregates': [95, 85, 100, 95],
  // Issue 10 (helper D1): the latest results and needs' suggested type; the analysis schedule.
  'functions/analysis/latest': [95, 85, 95, 95],
  'functions/analysis/schedule': [85, 70, 95, 90],
  // Issue 10 (helper B): the need classifier; need trends and forecasts.
  'functions/analysis/classifier': [95, 95, 100, 100],
  'functions/analysis/trends': [100, 95, 100, 100],
  // Issue 10 (helper C): recommendations.
  'functions/analysis/recommendations': [95, 85, 95, 95],
  // Issue 10 (helpers D1 and D2): runs — their API and lifecycle (D1), their execution (D2).
  'functions/analysis/runs': [95, 80, 95, 95],
  // Issue 10 (helper A): customer segments (k-means, silhouette, labels).
  'functions/analysis/segments': [95, 90, 95, 95],
  'functions/approvals': [95, 90, 100, 95],
  'functions/audit': [95, 85, 100, 95],
  'functions/customers': [95, 85, 100, 95],
  'functions/events': [95, 90, 95, 95],
  'functions/needs': [95, 85, 95, 95],
  'functions/orders': [95, 90, 95, 95],
  'functions/products': [95, 65, 100, 95],
  'functions/reports': [95, 85, 95, 95],
  'functions/settings': [90, 65, 90, 90],
  'functions/shared': [100, 65, 100, 100],
  'functions/shared/auth': [80, 80, 100, 85],
  'functions/shared/db': [90, 80, 90, 90],
  'functions/shared/http': [95, 80, 100, 95],
  'functions/shared/http/middlewares': [95, 85, 100, 95],
  'functions/shared/idempotency': [100, 80, 100, 100],
  'functions/shared/schedule': [85, 50, 100, 85],
  'functions/shared/stream': [80, 70, 85, 80],
  'functions/shared/task': [85, 80, 100, 90],
  'functions/shared/workflow': [70, 30, 100, 75],
  'functions/system': [95, 85, 100, 100],
  'functions/workflow': [90, 85, 95, 90],
  local: [85, 65, 85, 85],
  'local/capacity': [40, 45, 35, 35],
  'local/control': [85, 60, 90, 90],
  'local/eventbridge': [90, 80, 95, 90],
  'local/gateway': [85, 65, 95, 90],
  // Issue 9 (helper D): the CSV import CLI.
  'local/import': [90, 85, 90, 95],
  'local/lambda': [85, 75, 85, 85],
  // Issue 11: the fulfilment partner simulator (npm start, test/e2e/integrations.test.ts).
  'local/partner-simulator': [85, 80, 90, 90],
  'local/scheduler': [95, 90, 100, 95],
  'local/stepfunctions': [90, 60, 100, 90],
  'local/streams': [90, 80, 95, 90],
  'local/workflow': [90, 80, 90, 90],
  // Issue 11: integrations — webhooks out (endpoints, delivery, the deliveries API), webhooks in,
  // machine clients, and the sealing and signing they share.
  'functions/webhooks': [90, 85, 95, 90],
  'functions/webhooks/endpoints': [95, 80, 95, 95],
  'functions/webhooks/delivery': [85, 75, 95, 90],
  'functions/webhooks/deliveries': [95, 75, 100, 95],
  'functions/inbound': [90, 75, 95, 95],
  'functions/clients': [95, 95, 100, 100],
  'functions/shared/secrets': [85, 75, 100, 85],
  'functions/shared/signing': [95, 85, 100, 100],
};
const thresholds = Object.fromEntries(
  Object.entries(COVERAGE_FLOORS).map(([folder, [statements, branches, functions, lines]]) => [
    `${folder}/*.ts`,
    { statements, branches, functions, lines },
  ]),
);

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
    // The longest files start first, the unit files fill in at the end (test/setup/heaviest-first.ts).
    sequence: { sequencer: HeaviestFirst },
    // Generous, because the suite must pass on a machine whose CPUs are saturated by other work:
    // tests wait on the workflow and on DynamoDB Local, never on a wall-clock budget of their own.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    projects: [
      project('unit'),
      project('integration'),
      // A file's first test pays its twin's cold starts (~15–30 of ~0.6 s CPU each): on 2 cores
      // saturated by other work that outlasted 120 s (approval's first test, in CI beside a
      // mutation run). They wait on the workflow, not on this budget; it only ends a hung test.
      project('workflow', { testTimeout: 300_000 }),
      project('workflow-runner'),
      project('e2e', { testTimeout: 300_000 }),
      project('infra'),
      // Property-based fuzzing of the whole API on one twin (test/fuzz/api.test.ts; `npm run fuzz` runs it longer).
      project('fuzz'),
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
      thresholds,
    },
  },
});
