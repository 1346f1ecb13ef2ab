import { httpHandler } from '../../shared/http/handler';
import { json } from '../../shared/http/response';
import { getWebhookDelivery } from './operations';
import { requireDelivery, toDelivery } from './store';

export const handler = httpHandler(getWebhookDelivery, async ({ principal, params }) =>
  json(200, toDelivery(await requireDelivery(principal.tenantId, params.deliveryId))),
);
