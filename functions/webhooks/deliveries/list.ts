import { httpHandler } from '../../shared/http/handler';
import { json } from '../../shared/http/response';
import { listWebhookDeliveries } from './operations';
import { listDeliveries } from './store';

export const handler = httpHandler(listWebhookDeliveries, async ({ principal, query }) =>
  json(200, await listDeliveries(principal.tenantId, query)),
);
