import { orderScopeOf } from '../orders/partner-scope';
import { getOrder } from '../orders/store';
import { json } from '../shared/http/response';
import { applyFulfilmentReport, partnerPrincipal } from './fulfilment-report';
import { inboundHandler } from './handler';
import { receiveFulfilmentReport } from './operations';

const answer = (order: { id: string; status: string }) =>
  json(200, { orderId: order.id, status: order.status });

export const handler = inboundHandler(receiveFulfilmentReport, {
  kind: 'fulfilment',
  principalOf: partnerPrincipal,
  run: async ({ principal, body, now }, claim) =>
    answer(await applyFulfilmentReport(principal, body, now, claim)),
  replay: async ({ principal }, record) =>
    answer(await getOrder(principal.tenantId, orderScopeOf(principal), record.resourceId)),
});
