import { httpHandler } from '../../shared/http/handler';
import { json } from '../../shared/http/response';
import { queueRun } from './create-run';
import { createAnalysisRun } from './operations';
import { runParameters } from './parameters';
import { getRun, toRunView } from './run-store';
import type { AnalysisRunView } from './schemas';

const accepted = (run: AnalysisRunView) => json(202, run, { location: `/v1/analysis/runs/${run.id}` });

export const handler = httpHandler(
  createAnalysisRun,
  async ({ principal, body, claim }) => {
    const request = { tenantId: principal.tenantId, trigger: 'api', requestedBy: principal.userId } as const;
    const run = await queueRun({ ...request, ...runParameters(body) }, new Date(), { claim });
    return accepted(toRunView(run as unknown as Record<string, unknown>));
  },
  // A retry answers with the run as it is now (maybe running or finished by then).
  { replay: async ({ principal }, record) => accepted(await getRun(principal.tenantId, record.resourceId)) },
);
