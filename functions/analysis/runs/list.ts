import { httpHandler } from '../../shared/http/handler';
import { json } from '../../shared/http/response';
import { listAnalysisRuns } from './operations';
import { listRuns } from './run-store';

export const handler = httpHandler(listAnalysisRuns, async ({ principal, query }) =>
  json(200, await listRuns(principal.tenantId, query.limit, query.cursor)),
);
