import { httpHandler } from '../shared/http/handler';
import { answerReport } from './answer';
import { getFulfilmentReport } from './operations';
import { FULFILMENT } from './specs';

export const handler = httpHandler(getFulfilmentReport, ({ principal, query }) =>
  answerReport(FULFILMENT, principal.tenantId, query, new Date()),
);
