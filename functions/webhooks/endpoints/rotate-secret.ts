import { httpHandler } from '../../shared/http/handler';
import { etagOf, json } from '../../shared/http/response';
import { secretOverlapSeconds } from './endpoint-secrets';
import { rotateWebhookEndpointSecret } from './operations';
import * as store from './store';

export const handler = httpHandler(rotateWebhookEndpointSecret, async ({ principal, params }) => {
  const now = new Date();
  const overlap = secretOverlapSeconds();
  const { record, secret } = await store.rotateEndpointSecret(
    principal.tenantId,
    params.endpointId,
    now,
    overlap,
  );
  return json(200, { ...store.toEndpoint(record, now), secret }, { etag: etagOf(record.version) });
});
