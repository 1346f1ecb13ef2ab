import { httpHandler } from '../shared/http/handler';
import { json } from '../shared/http/response';
import { feedPage } from './feed-page';
import { listEvents } from './operations';

export const handler = httpHandler(listEvents, async ({ principal, query }) =>
  json(200, await feedPage(principal.tenantId, query, new Date())),
);
