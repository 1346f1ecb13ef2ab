import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { listInboundSources } from './operations';
import { listSources } from './store';

export const handler = httpHandler(listInboundSources, async ({ principal }) =>
  json(200, { items: await listSources(principal.tenantId, new Date()) }),
);
