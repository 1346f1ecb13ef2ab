import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { listNeeds as list } from './list-store';
import { listNeeds } from './operations';

export const handler = httpHandler(listNeeds, async ({ principal, query }) => {
  const { limit, cursor, ...filter } = query;
  return json(200, await list(principal.tenantId, filter, { limit, cursor }));
});
