import { NotFoundError } from '../../shared/http/errors';
import { httpHandler } from '../../shared/http/handler';
import { etagOf, json } from '../../shared/http/response';
import { getWebhookEndpoint } from './operations';
import * as store from './store';

export const handler = httpHandler(getWebhookEndpoint, async ({ principal, params }) => {
  const record = await store.getEndpointRecord(principal.tenantId, params.endpointId);
  if (!record) throw new NotFoundError('Webhook endpoint', params.endpointId);
  return json(200, store.toEndpoint(record), { etag: etagOf(record.version) });
});
