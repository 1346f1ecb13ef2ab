import { httpHandler } from '../shared/http/handler';
import { answerReport } from './answer';
import { getNeedsSummary } from './operations';
import { NEEDS_SUMMARY } from './specs';

export const handler = httpHandler(getNeedsSummary, ({ principal, query }) =>
  answerReport(NEEDS_SUMMARY, principal.tenantId, query, new Date()),
);
