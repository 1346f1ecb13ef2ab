import { httpHandler } from '../shared/http/handler';
import { answerReport } from './answer';
import { getPipelineReport } from './operations';
import { PIPELINE } from './specs';

export const handler = httpHandler(getPipelineReport, ({ principal, query }) =>
  answerReport(PIPELINE, principal.tenantId, query, new Date()),
);
