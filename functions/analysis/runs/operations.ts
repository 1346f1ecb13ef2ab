import { pick } from '../../shared/http/common-responses';
import { defineOperation } from '../../shared/http/operation';
import { AnalysisRun, AnalysisRunPage, RunCreate, RunIdParams, RunListQuery } from './schemas';

/**
 * Analysis runs (docs/analysis.md "Runs, schedules and the API"): asked for by an admin or an
 * analyst, or queued by the tenant's schedule; one at a time per tenant.
 */
const tag = 'Analysis';
const roles = ['admin', 'analyst'] as const;

export const createAnalysisRun = defineOperation({
  operationId: 'createAnalysisRun',
  method: 'POST',
  path: '/v1/analysis/runs',
  summary: 'Run the analysis now: segments, need classifier, trends, recommendations',
  description:
    'Queues a run and answers at once (202, `Location` of the run); follow it with `GET /v1/analysis/runs/{runId}` until it is SUCCEEDED or FAILED. A tenant runs one analysis at a time: while one is queued or running, another is a 409 `analysis-run-active` naming it (`activeRunId`). Each kind that succeeds becomes the latest result served; a kind that fails or lacks data leaves the previous one served.',
  tag,
  auth: { roles },
  body: RunCreate,
  idempotent: true,
  responses: {
    202: { description: 'Queued; `Location` is the run', schema: AnalysisRun },
    ...pick(400, 401, 403, 413, 415, 422),
    409: { description: 'Another run is queued or running (`activeRunId`)' },
  },
});

export const getAnalysisRun = defineOperation({
  operationId: 'getAnalysisRun',
  method: 'GET',
  path: '/v1/analysis/runs/{runId}',
  summary: 'A run: status, phase, progress, duration, parameters and seed, inputs, results or error',
  tag,
  auth: { roles },
  params: RunIdParams,
  responses: {
    200: { description: 'The run as it is now', schema: AnalysisRun },
    ...pick(400, 401, 403, 404),
  },
});

export const listAnalysisRuns = defineOperation({
  operationId: 'listAnalysisRuns',
  method: 'GET',
  path: '/v1/analysis/runs',
  summary: 'The tenant’s analysis runs, newest first',
  tag,
  auth: { roles },
  query: RunListQuery,
  responses: { 200: { description: 'One page', schema: AnalysisRunPage }, ...pick(400, 401, 403) },
});
