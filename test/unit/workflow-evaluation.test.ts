import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { OrderStatus } from '../../functions/orders/status';
import { evaluateOrder, type StatusEvent } from '../../functions/workflow/evaluation';
import { anOrder, level } from '../support/workflow-fixtures';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
/** Events at these offsets (seconds) leaving the order in these statuses; seq skips as parked tokens do. */
const timeline = (...changes: [number, OrderStatus][]): StatusEvent[] =>
  changes.map(([seconds, status], i) => ({ seq: 1 + i * 2, status, at: at(seconds) }));

const happy = timeline(
  [0, 'SUBMITTED'],
  [2, 'APPROVED'],
  [3, 'STOCK_RESERVED'],
  [5, 'IN_FULFILMENT'],
  [3_605, 'SHIPPED'],
  [90_005, 'DELIVERED'],
);

/** The stages of `happy`, in lifecycle order. */
const HAPPY_STAGES = ['SUBMITTED', 'APPROVED', 'STOCK_RESERVED', 'IN_FULFILMENT', 'SHIPPED', 'DELIVERED'];

describe('order evaluation at closing', () => {
  it('gives the seconds spent in each status in lifecycle order and the cycle from submission to delivery', () => {
    const order = anOrder({ deliveredAt: at(90_005) });
    const evaluation = evaluateOrder(order, happy, new Date(T0 + 90_010_000));
    assert.deepEqual(evaluation, {
      stageSeconds: {
        SUBMITTED: 2,
        APPROVED: 1,
        STOCK_RESERVED: 2,
        IN_FULFILMENT: 3_600,
        SHIPPED: 86_400,
        DELIVERED: 5,
      },
      cycleSeconds: 90_005,
      onTime: null,
      approvalSlaMet: null,
      escalations: 0,
      closedAt: at(90_010),
    });
    assert.deepEqual(Object.keys(evaluation.stageSeconds), HAPPY_STAGES);
  });

  it('reads events in seq order whatever order they come in, and ignores events that change no status', () => {
    const withNotes = [...happy, { seq: 4, status: 'APPROVED' as const, at: at(2.5) }].reverse();
    const order = anOrder({ deliveredAt: at(90_005) });
    assert.deepEqual(
      evaluateOrder(order, withNotes, new Date(T0 + 90_010_000)).stageSeconds,
      evaluateOrder(order, happy, new Date(T0 + 90_010_000)).stageSeconds,
    );
  });

  it('ends shipping when the partner says it delivered, even if the report came later (never before the shipment)', () => {
    const reportedLate = evaluateOrder(
      anOrder({ deliveredAt: at(50_000) }),
      happy,
      new Date(T0 + 90_010_000),
    );
    assert.equal(reportedLate.stageSeconds.SHIPPED, 50_000 - 3_605);
    assert.equal(reportedLate.stageSeconds.DELIVERED, 90_010 - 50_000);
    assert.equal(reportedLate.cycleSeconds, 50_000);
    const beforeShipment = evaluateOrder(anOrder({ deliveredAt: at(1) }), happy, new Date(T0 + 90_010_000));
    assert.equal(beforeShipment.stageSeconds.SHIPPED, 0);
  });

  it('is on time when delivered on or before the promised (UTC) date', () => {
    const on = (deliveredAt: string, promised: string) =>
      evaluateOrder(anOrder({ deliveredAt, promisedDeliveryDate: promised }), happy, new Date(deliveredAt))
        .onTime;
    assert.equal(on('2026-03-05T23:59:59.000Z', '2026-03-05'), true);
    assert.equal(on('2026-03-04T08:00:00.000Z', '2026-03-05'), true);
    assert.equal(on('2026-03-06T00:00:00.000Z', '2026-03-05'), false);
  });

  it('meets the approval SLA only when every level was decided in time without escalation', () => {
    const evaluate = (levels: ReturnType<typeof level>[]) =>
      evaluateOrder(anOrder({ approval: { levels } }), happy, new Date(T0 + 90_010_000));
    const inTime = level({ status: 'approved', decidedAt: '2026-03-01T10:30:00.000Z' });
    const late = level({ level: 2, status: 'approved', decidedAt: '2026-03-01T11:00:01.000Z' });
    const escalated = level({
      level: 2,
      status: 'approved',
      role: 'admin',
      dueAt: '2026-03-01T13:00:00.000Z',
      decidedAt: '2026-03-01T12:00:00.000Z',
      escalations: [{ at: '2026-03-01T12:00:00.000Z', fromRole: 'approver', toRole: 'admin' }],
    });
    assert.equal(evaluate([]).approvalSlaMet, null);
    assert.equal(evaluate([inTime]).approvalSlaMet, true);
    assert.equal(evaluate([inTime, late]).approvalSlaMet, false);
    assert.equal(evaluate([inTime, escalated]).approvalSlaMet, false);
    assert.equal(evaluate([inTime, escalated]).escalations, 1);
  });

  it('meets the approval SLA with a decision exactly at the due time, but never with a rejected level', () => {
    const evaluate = (levels: ReturnType<typeof level>[]) =>
      evaluateOrder(anOrder({ approval: { levels } }), happy, new Date(T0 + 90_010_000)).approvalSlaMet;
    // level() is due at 11:00:00.000.
    assert.equal(evaluate([level({ status: 'approved', decidedAt: '2026-03-01T11:00:00.000Z' })]), true);
    assert.equal(evaluate([level({ status: 'rejected', decidedAt: '2026-03-01T10:30:00.000Z' })]), false);
  });
});

describe('order evaluation at closing, edge cases', () => {
  const closedAt = new Date(T0 + 90_010_000);

  it('starts the delivered stage at the shipment when the partner dates delivery before it', () => {
    const evaluation = evaluateOrder(anOrder({ deliveredAt: at(1) }), happy, closedAt);
    assert.equal(evaluation.stageSeconds.SHIPPED, 0);
    // Delivered from the shipment report on (3,605 s), not from the earlier status before it.
    assert.equal(evaluation.stageSeconds.DELIVERED, 90_010 - 3_605);
    assert.equal(evaluation.stageSeconds.IN_FULFILMENT, 3_600);
  });

  it('dates delivery by its event when the order holds no delivery time, and has no on-time verdict then', () => {
    const evaluation = evaluateOrder(anOrder({ promisedDeliveryDate: '2026-03-05' }), happy, closedAt);
    assert.equal(evaluation.stageSeconds.SHIPPED, 86_400);
    assert.equal(evaluation.stageSeconds.DELIVERED, 5);
    assert.equal(evaluation.onTime, null);
    assert.equal(evaluation.cycleSeconds, 90_010);
  });

  it('lets an event that changes no status end nothing: a back-dated delivery after a note still ends shipping', () => {
    // A note on the shipped order (4,000 s) before the partner reports delivery dated 3,700 s.
    const noted = timeline(
      [0, 'SUBMITTED'],
      [2, 'APPROVED'],
      [3, 'STOCK_RESERVED'],
      [5, 'IN_FULFILMENT'],
      [3_605, 'SHIPPED'],
      [4_000, 'SHIPPED'],
      [90_005, 'DELIVERED'],
    );
    const evaluation = evaluateOrder(anOrder({ deliveredAt: at(3_700) }), noted, closedAt);
    assert.equal(evaluation.stageSeconds.SHIPPED, 95);
    assert.equal(evaluation.stageSeconds.DELIVERED, 90_010 - 3_700);
  });

  it('counts no stage for CLOSED itself, even when the closing event is in the timeline', () => {
    const closing = [...happy, { seq: 99, status: 'CLOSED' as const, at: at(90_010) }];
    const evaluation = evaluateOrder(anOrder({ deliveredAt: at(90_005) }), closing, closedAt);
    assert.deepEqual(Object.keys(evaluation.stageSeconds), HAPPY_STAGES);
    assert.equal(evaluation.stageSeconds.DELIVERED, 5);
  });
});
