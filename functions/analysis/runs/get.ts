import { httpHandler } from '../../shared/http/handler';
import { json } from '../../shared/http/response';
import { getAnalysisRun } from './operations';
import { getRun } from './run-store';

export const handler = httpHandler(getAnalysisRun, async ({ principal, params }) =>
  json(200, await getRun(principal.tenantId, params.runId)),
);
