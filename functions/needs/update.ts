import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { updateNeed } from './operations';
import { updateNeed as update } from './update-need';

export const handler = httpHandler(updateNeed, async ({ principal, params, body, ifMatch }) => {
  const need = await update(principal, params.needId, ifMatch, body, new Date());
  return json(200, need, { etag: etagOf(need.version) });
});
