import { httpHandler } from '../../shared/http/handler';
import { etagOf, json } from '../../shared/http/response';
import { assertDeliverableUrl } from '../url-policy';
import { createWebhookEndpoint } from './operations';
import * as store from './store';

export const handler = httpHandler(createWebhookEndpoint, async ({ principal, body }) => {
  await assertDeliverableUrl(body.url);
  const now = new Date();
  const { record, secret } = await store.createEndpoint(principal.tenantId, body, now);
  return json(201, { ...store.toEndpoint(record, now), secret }, { etag: etagOf(record.version) });
});
