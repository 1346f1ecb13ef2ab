import { httpHandler } from '../shared/http/handler';
import { answerReport } from './answer';
import { getRevenueReport } from './operations';
import { REVENUE } from './specs';

export const handler = httpHandler(getRevenueReport, ({ principal, query }) =>
  answerReport(REVENUE, principal.tenantId, query, new Date()),
);
