import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { getNeed } from './operations';
import * as store from './store';

export const handler = httpHandler(getNeed, async ({ principal, params }) => {
  const need = await store.getNeed(principal.tenantId, params.needId);
  return json(200, need, { etag: etagOf(need.version) });
});
