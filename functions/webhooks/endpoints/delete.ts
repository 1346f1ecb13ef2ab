import { httpHandler } from '../../shared/http/handler';
import { deleteWebhookEndpoint } from './operations';
import * as store from './store';

export const handler = httpHandler(deleteWebhookEndpoint, async ({ principal, params }) => {
  await store.deleteEndpoint(principal.tenantId, params.endpointId);
  return { status: 204 };
});
