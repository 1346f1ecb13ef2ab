import { httpHandler } from '../../shared/http/handler';
import { json } from '../../shared/http/response';
import { listWebhookEndpoints } from './operations';
import * as store from './store';

export const handler = httpHandler(listWebhookEndpoints, async ({ principal }) => {
  const now = new Date();
  const records = await store.listEndpointRecords(principal.tenantId);
  return json(200, { items: records.map((record) => store.toEndpoint(record, now)) });
});
