import { NotFoundError } from '../shared/http/errors';
import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { getNeedHistory } from './operations';
import { listHistory } from './store';

export const handler = httpHandler(getNeedHistory, async ({ principal, params, query }) => {
  const page = await listHistory(principal.tenantId, params.needId, query.limit, query.cursor);
  // A need is written with the record of its creation: no records means no such need in this tenant.
  if (page.items.length === 0 && query.cursor === undefined) throw new NotFoundError('Need', params.needId);
  return json(200, page);
});
