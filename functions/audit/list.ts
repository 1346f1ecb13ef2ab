import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { listAudit } from './operations';
import { auditPage } from './query';

export const handler = httpHandler(listAudit, async ({ principal, query }) =>
  json(200, await auditPage(principal.tenantId, query)),
);
