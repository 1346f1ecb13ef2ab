import { httpHandler } from '../../shared/http/handler';
import { json } from '../../shared/http/response';
import { redeliverWebhook } from './operations';
import { redeliver } from './store';

export const handler = httpHandler(redeliverWebhook, async ({ principal, params }) =>
  json(202, await redeliver(principal.tenantId, params.deliveryId, new Date())),
);
