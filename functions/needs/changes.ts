import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { listChanges } from './changes-store';
import { listNeedChanges } from './operations';

export const handler = httpHandler(listNeedChanges, async ({ principal, query }) => {
  const { since, until, limit, cursor } = query;
  return json(200, await listChanges(principal.tenantId, { since, until }, limit, cursor));
});
