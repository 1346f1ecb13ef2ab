import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { stepFor } from '../../functions/workflow/steps';
import { anOrder, level, ORDER_ID } from '../support/workflow-fixtures';

const NOW = new Date('2026-03-01T10:30:00.000Z');
const step = (order: ReturnType<typeof anOrder>) => stepFor('t1', order, NOW);

describe('the next workflow step of an order', () => {
  it('routes on the stored status, which is what makes an execution re-entrant', () => {
    const next = (status: ReturnType<typeof anOrder>['status']) => step(anOrder({ status })).next;
    assert.deepEqual(
      (
        [
          'SUBMITTED',
          'APPROVED',
          'STOCK_RESERVED',
          'IN_FULFILMENT',
          'SHIPPED',
          'DELIVERED',
          'CLOSED',
          'REJECTED',
          'CANCELLED',
        ] as const
      ).map(next),
      [
        'done',
        'reserve',
        'request-fulfilment',
        'request-fulfilment',
        'await-delivery',
        'close',
        'done',
        'done',
        'done',
      ],
    );
  });

  it('waits for the pending level with the rest of its SLA as the timeout, naming the level', () => {
    const order = anOrder({
      status: 'PENDING_APPROVAL',
      approval: {
        levels: [level({ status: 'approved' }), level({ level: 2, dueAt: '2026-03-01T11:00:00.000Z' })],
      },
    });
    assert.deepEqual(step(order), {
      tenantId: 't1',
      orderId: ORDER_ID,
      next: 'await-approval',
      slaRemainingSeconds: 1_800,
      level: 2,
    });
    const overdue = anOrder({
      status: 'PENDING_APPROVAL',
      approval: { levels: [level({ dueAt: '2026-03-01T10:00:00.000Z' })] },
    });
    assert.equal(
      step(overdue).slaRemainingSeconds,
      1,
      'an overdue level times out at once (TimeoutSeconds ≥ 1)',
    );
  });

  it('compensates a cancel request, a partner failure or an expired approval, until the goods have left', () => {
    const cancel = { reason: 'no', by: 'sam', at: NOW.toISOString() };
    assert.equal(step(anOrder({ status: 'PENDING_APPROVAL', cancelRequest: cancel })).next, 'compensate');
    assert.equal(step(anOrder({ status: 'SHIPPED', cancelRequest: cancel })).next, 'await-delivery');
    const failure = { reason: 'broken', by: 'p', at: NOW.toISOString() };
    assert.equal(step(anOrder({ status: 'STOCK_RESERVED', fulfilmentFailure: failure })).next, 'compensate');
    const expired = {
      ...anOrder({ status: 'PENDING_APPROVAL', approval: { levels: [level()] } }),
      approvalExpired: { at: NOW.toISOString(), level: 1, role: 'admin', escalations: 2 },
    };
    assert.equal(step(expired).next, 'compensate');
  });
});
