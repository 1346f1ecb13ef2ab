import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { partnerPrincipal } from '../../functions/inbound/fulfilment-report';
import { sourcePrincipal } from '../../functions/inbound/need-message';
import type { SourceLookup } from '../../functions/inbound/store';
import * as needs from '../../functions/needs/operations';
import * as orders from '../../functions/orders/operations';
import { assertMayCall } from '../../functions/shared/auth/permissions';
import { ForbiddenError } from '../../functions/shared/http/errors';
import type { Operation } from '../../functions/shared/http/operation';

const source = (kind: SourceLookup['kind'], extra: Partial<SourceLookup> = {}): SourceLookup => ({
  pk: 'SOURCE#s1',
  sk: 'SOURCE',
  entity: 'InboundSourceLookup' as SourceLookup['entity'],
  sourceId: 's1',
  tenantId: 't1',
  kind,
  secrets: [],
  version: 1,
  ...extra,
});

const mayCall = (principal: Parameters<typeof assertMayCall>[0], op: Operation) => {
  try {
    assertMayCall(principal, op);
    return true;
  } catch (error) {
    assert.ok(error instanceof ForbiddenError, String(error));
    return false;
  }
};

/**
 * Who a verified inbound message acts as, checked with the same decision every route makes
 * (`assertMayCall`): a source's principal is a grant, and a grant wider than its purpose would let a
 * leaked signing secret do more than post that kind of message.
 */
describe('inbound principals', () => {
  it('a needs source may write needs in its own tenant, and nothing else', () => {
    const principal = sourcePrincipal(source('needs', { channel: 'email' }));
    assert.equal(principal.tenantId, 't1');
    assert.equal(principal.userId, 'source:s1');
    // The grant is an integration's with `needs:write`: the routes that write needs.
    for (const op of [needs.createNeed, needs.createNeedsBatch, needs.updateNeed])
      assert.ok(mayCall(principal, op), op.operationId);
    for (const op of [needs.listNeeds, needs.getNeed, needs.exportNeeds, orders.createOrder, orders.getOrder])
      assert.equal(mayCall(principal, op), false, op.operationId);
  });

  it('a fulfilment source acts as its partner, on the fulfilment routes and not on orders or needs', () => {
    const principal = partnerPrincipal(source('fulfilment', { partnerId: 'p9' }));
    assert.deepEqual(
      { tenantId: principal.tenantId, userId: principal.userId, partnerId: principal.partnerId },
      { tenantId: 't1', userId: 'partner:p9', partnerId: 'p9' },
    );
    for (const op of [orders.recordShipment, orders.recordDelivery, orders.reportFulfilmentFailure])
      assert.ok(mayCall(principal, op), op.operationId);
    for (const op of [orders.createOrder, orders.cancelOrder, needs.createNeed, needs.listNeeds])
      assert.equal(mayCall(principal, op), false, op.operationId);
  });
});
