import { httpHandler } from '../shared/http/handler';
import { etagOf, json } from '../shared/http/response';
import { reportShipment } from './fulfilment-reports';
import { recordShipment } from './operations';
import { orderScopeOf } from './partner-scope';
import type { Order } from './schemas';
import { getOrder } from './store';

const recorded = (order: Order) =>
  json(201, order, { etag: etagOf(order.version), location: `/v1/orders/${order.id}` });

export const handler = httpHandler(
  recordShipment,
  async ({ principal, params, body, claim }) => {
    const actor = { type: 'user' as const, id: principal.userId };
    const scope = orderScopeOf(principal);
    return recorded(
      await reportShipment(principal.tenantId, scope, params.orderId, body, actor, new Date(), claim),
    );
  },
  {
    replay: async ({ principal }, record) =>
      recorded(await getOrder(principal.tenantId, orderScopeOf(principal), record.resourceId)),
  },
);
