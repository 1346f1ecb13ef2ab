import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { type LinkedOrder, linkedNeed } from '../../functions/needs/order-link';
import { needOf as need } from '../support/need-fixture';

const AT = '2026-03-01T12:00:00.000Z';
const evaluation = {
  stageSeconds: { SUBMITTED: 1, DELIVERED: 2 },
  cycleSeconds: 3,
  onTime: null,
  approvalSlaMet: null,
  escalations: 0,
  closedAt: '2026-03-01T11:00:00.000Z',
};
const ORDER = '01J0000000000000000000000A';

const order = (extra: Partial<LinkedOrder> = {}): LinkedOrder => ({
  id: ORDER,
  number: 'SO-2026-000001',
  status: 'PENDING_APPROVAL',
  ...extra,
});
const stepsOf = (change: ReturnType<typeof linkedNeed>) => change?.steps.map((s) => `${s.from}→${s.to}`);

describe('a need brought up to date with an order that answers it', () => {
  it('links a live order and moves NEW or QUALIFIED to IN_PROGRESS; a failed order only links', () => {
    for (const status of ['NEW', 'QUALIFIED'] as const) {
      const change = linkedNeed(need({ status }), order(), AT);
      assert.deepEqual(stepsOf(change), [`${status}→IN_PROGRESS`]);
      assert.deepEqual(change?.after.orderIds, [ORDER]);
      assert.equal(change?.after.version, 2);
      assert.equal(change?.after.statusChangedAt, AT);
    }
    for (const status of ['REJECTED', 'CANCELLED'] as const) {
      const change = linkedNeed(need(), order({ status }), AT);
      assert.deepEqual(stepsOf(change), []);
      assert.equal(change?.after.status, 'NEW');
      assert.deepEqual(change?.after.orderIds, [ORDER]);
    }
  });

  it('fulfils on a closed order, both steps at once from NEW, with the evaluation and feedback', () => {
    const change = linkedNeed(need(), order({ status: 'CLOSED', evaluation, feedback: { rating: 2 } }), AT);
    assert.deepEqual(stepsOf(change), ['NEW→IN_PROGRESS', 'IN_PROGRESS→FULFILLED']);
    assert.deepEqual(change?.after.fulfilment, {
      orderId: ORDER,
      orderNumber: 'SO-2026-000001',
      evaluation,
      feedback: { rating: 2 },
      fulfilledAt: AT,
    });
    assert.ok(change?.steps.every((s) => s.orderId === ORDER && s.reason?.includes('SO-2026-000001')));
  });

  it('adds feedback that arrives after the closing to the fulfilment of that order only', () => {
    const fulfilled = need({
      status: 'FULFILLED',
      orderIds: [ORDER],
      fulfilment: { orderId: ORDER, orderNumber: 'SO-2026-000001', evaluation, fulfilledAt: AT },
    });
    const rated = order({ status: 'CLOSED', evaluation, feedback: { rating: 5, comment: 'Great', at: AT } });
    const change = linkedNeed(fulfilled, rated, AT);
    assert.deepEqual(stepsOf(change), []);
    assert.deepEqual(change?.after.fulfilment?.feedback, { rating: 5, comment: 'Great', at: AT });
    const other = { ...rated, id: '01J0000000000000000000000B' };
    assert.deepEqual(linkedNeed({ ...fulfilled, orderIds: [ORDER, other.id] }, other, AT), undefined);
  });

  it('changes nothing that is up to date, final, or opted out of fulfilment', () => {
    assert.equal(linkedNeed(need({ status: 'IN_PROGRESS', orderIds: [ORDER] }), order(), AT), undefined);
    assert.equal(
      linkedNeed(
        need({ status: 'DECLINED', orderIds: [ORDER] }),
        order({ status: 'CLOSED', evaluation }),
        AT,
      ),
      undefined,
    );
    const optedOut = linkedNeed(need({ autoFulfil: false }), order({ status: 'CLOSED', evaluation }), AT);
    assert.deepEqual(stepsOf(optedOut), ['NEW→IN_PROGRESS']);
    assert.equal(optedOut?.after.fulfilment, undefined);
  });
});
