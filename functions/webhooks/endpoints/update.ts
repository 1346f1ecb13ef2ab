import { httpHandler } from '../../shared/http/handler';
import { etagOf, json } from '../../shared/http/response';
import { assertDeliverableUrl } from '../url-policy';
import { updateWebhookEndpoint } from './operations';
import * as store from './store';

export const handler = httpHandler(updateWebhookEndpoint, async ({ principal, params, body, ifMatch }) => {
  if (body.url !== undefined) await assertDeliverableUrl(body.url);
  const now = new Date();
  const record = await store.updateEndpoint(principal.tenantId, params.endpointId, ifMatch, body, now);
  return json(200, store.toEndpoint(record, now), { etag: etagOf(record.version) });
});
