import { reportDelivery, reportFulfilmentFailure, reportShipment } from '../orders/fulfilment-reports';
import { orderScopeOf } from '../orders/partner-scope';
import type { Order } from '../orders/schemas';
import type { Principal } from '../shared/auth/principal';
import type { IdempotencyClaim } from '../shared/idempotency/claim';
import type { FulfilmentMessage } from './schemas';
import type { SourceLookup } from './store';

/**
 * A fulfilment source acts as a fulfilment user of its partner would: the same principal shape,
 * so the same order scope (its partner's orders only; any other order is a 404, as another
 * tenant's is).
 */
export function partnerPrincipal(source: SourceLookup): Principal {
  const partnerId = source.partnerId as string;
  return { tenantId: source.tenantId, userId: `partner:${partnerId}`, roles: ['fulfilment'], partnerId };
}

/** A verified report, applied by the same domain functions as the fulfilment API. */
export function applyFulfilmentReport(
  principal: Principal,
  message: FulfilmentMessage,
  now: Date,
  claim: IdempotencyClaim,
): Promise<Order> {
  const { tenantId } = principal;
  const scope = orderScopeOf(principal);
  const actor = { type: 'partner' as const, id: principal.partnerId as string };
  switch (message.type) {
    case 'fulfilment.shipped': {
      const { orderId, ...report } = message.data;
      return reportShipment(tenantId, scope, orderId, report, actor, now, claim);
    }
    case 'fulfilment.delivered': {
      const { orderId, ...report } = message.data;
      return reportDelivery(tenantId, scope, orderId, report, actor, now, claim);
    }
    case 'fulfilment.failed':
      return reportFulfilmentFailure(
        tenantId,
        scope,
        message.data.orderId,
        message.data.reason,
        actor,
        now,
        claim,
      );
  }
}
