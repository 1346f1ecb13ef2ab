import assert from 'node:assert/strict';
import { afterAll, describe, it, onTestFinished } from 'vitest';
import { defineRule, type Level } from '../../functions/approvals/rules';
import { putRuleSet } from '../../functions/approvals/store';
import { startTestTwin } from '../support/twin';
import {
  assertExecution,
  ok,
  openShop,
  orderOf,
  placeOrder,
  type Shop,
  shipAndDeliver,
  statesOf,
  steps,
  stockOf,
  timelineOf,
  waitForEntry,
} from '../support/workflow';
import { gateInvocations } from '../support/workflow-faults';

/**
 * Approval SLAs running out. The API refuses an SLA under 60 s (and keeps doing so: these tests
 * change nothing in production validation); to see SLAs expire in seconds, the tests write their
 * tenant's rule set through the approvals store, as PUT /v1/approval-rules does after validating.
 * Everything else is real: the runner times the AwaitApproval state out after the level's SLA.
 */
const twin = await startTestTwin();
// The SLAs here are seconds: what the tests do within one must not wait for a cold start.
await twin.warm(
  'createOrder',
  'advanceOrder',
  'awaitApproval',
  'escalateApproval',
  'listApprovals',
  'approveOrder',
  'getOrderTimeline',
  'getOrder',
);

async function everythingNeedsApproval(shop: Shop, level: Level) {
  await putRuleSet(
    shop.tenantId,
    {
      rules: [
        defineRule(
          'everything',
          'Everything needs an approver',
          {},
          { type: 'require-approval', levels: [level] },
        ),
      ],
    },
    0,
    { tenantId: shop.tenantId, actor: 'test-setup', requestId: 'test', operation: 'putApprovalRules' },
    new Date().toISOString(),
  );
}

describe('workflow: approval SLA', () => {
  afterAll(() => twin.stop());

  it('escalates a level that outlived its SLA to the escalation role, whose approval closes the order', async () => {
    const shop = await openShop(twin);
    // The escalated level keeps the level's SLA, and the reads below are meant to happen inside it.
    // A saturated machine can still outlast it before the admin approves: the second escalation is
    // held at the gate until then, so the level is decided when EscalateApproval looks at it (and
    // leaves it alone, as it does when a person decides while the timeout fires).
    await everythingNeedsApproval(shop, { role: 'approver', slaSeconds: 10, escalateTo: 'admin' });
    const escalation = gateInvocations(twin, 'escalateApproval', { after: 1 });
    onTestFinished(() => escalation.open());
    // The state cannot be entered before the order is placed, so its timeout is no earlier than
    // this moment plus the 10 s SLA, and no later than its entry plus the SLA.
    const placedFromMs = Date.now();
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 2 }]);

    const first = await twin.runner.waitForTaskToken(id, 'AwaitApproval');
    assert.ok(first.timeoutAt, 'the state has a timeout');
    const timeoutMs = first.timeoutAt.getTime();
    assert.ok(
      timeoutMs >= placedFromMs + 10_000,
      `times out no sooner than the 10 s SLA after the order was placed: ${timeoutMs - placedFromMs} ms`,
    );
    assert.ok(
      timeoutMs <= first.enteredAt.getTime() + 10_000,
      `times out no later than the 10 s SLA after the state was entered: ${timeoutMs - first.enteredAt.getTime()} ms`,
    );
    assert.ok(timeoutMs - Date.now() <= 10_000, 'the state times out with the SLA');
    assert.deepEqual(
      (await shop.alice.get('/v1/approvals')).body.items.map((i: any) => [i.orderId, i.role]),
      [[id, 'approver']],
    );

    // Nobody decides: the SLA runs out, EscalateApproval moves the level, the workflow waits again.
    await waitForEntry(twin, id, 'AwaitApproval', 2);
    const second = await twin.runner.waitForTaskToken(id, 'AwaitApproval');
    assert.notEqual(second.token, first.token);

    // Read side by side, so the escalated level's SLA is spent on as little wall time as possible.
    const [timeline, adminInbox, approverInbox, refused] = await Promise.all([
      timelineOf(shop, id),
      shop.admin.get('/v1/approvals'),
      shop.alice.get('/v1/approvals'),
      shop.alice.post(`/v1/orders/${id}/approve`, {}),
    ]);
    const escalated = timeline.find((e) => e.type === 'APPROVAL_ESCALATED');
    assert.equal(escalated?.status, 'PENDING_APPROVAL');
    assert.deepEqual(escalated?.actor, { type: 'system', id: 'workflow' });
    assert.deepEqual([escalated?.details?.fromRole, escalated?.details?.toRole], ['approver', 'admin']);
    assert.deepEqual(
      adminInbox.body.items.map((i: any) => [i.orderId, i.level, i.role]),
      [[id, 1, 'admin']],
    );
    assert.deepEqual(approverInbox.body.items, [], 'no longer in the approver inbox');
    assert.equal(refused.status, 403);

    ok(await shop.admin.post(`/v1/orders/${id}/approve`, { comment: 'escalated to me' }));
    escalation.open();
    const execution = await shipAndDeliver(twin, shop, id);

    assertExecution(execution);
    // Did the escalated level's SLA run out before the approval answered its token?
    const outlasted = statesOf(execution).filter((s) => s === 'EscalateApproval').length === 2;
    assert.deepEqual(statesOf(execution).slice(0, outlasted ? 9 : 8), [
      'Advance',
      'Route',
      'AwaitApproval',
      'EscalateApproval',
      'Route',
      'AwaitApproval',
      ...(outlasted ? ['EscalateApproval'] : []),
      'Route',
      'ReserveStock',
    ]);
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'CLOSED');
    assert.deepEqual(
      order.approval.levels[0].escalations.map((e: any) => [e.fromRole, e.toRole]),
      [['approver', 'admin']],
    );
    assert.equal(order.approval.levels[0].decidedBy, 'ada');
    assert.equal(order.evaluation.escalations, 1);
    assert.equal(order.evaluation.approvalSlaMet, false);
    assert.deepEqual(steps(await timelineOf(shop, id)).slice(1, 4), [
      ['APPROVAL_REQUIRED', 'PENDING_APPROVAL', 'system:workflow'],
      ['APPROVAL_ESCALATED', 'PENDING_APPROVAL', 'system:workflow'],
      ['APPROVAL_GRANTED', 'APPROVED', 'user:ada'],
    ]);
  });

  it('cancels an order nobody approves after the last escalation: APPROVAL_EXPIRED, nothing reserved', async () => {
    const shop = await openShop(twin);
    await everythingNeedsApproval(shop, { role: 'approver', slaSeconds: 1, escalateTo: 'sales' });
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 2 }]);

    const execution = await twin.runner.waitForExecution(id);
    assertExecution(execution);
    assert.deepEqual(statesOf(execution).slice(-5), [
      'EscalateApproval',
      'Route',
      'Compensate',
      'AfterCompensation',
      'Done',
    ]);
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'CANCELLED');
    assert.equal(order.cancellation.code, 'APPROVAL_EXPIRED');
    assert.deepEqual(
      order.approval.levels[0].escalations.map((e: any) => [e.fromRole, e.toRole]),
      [
        ['approver', 'sales'],
        ['sales', 'admin'],
      ],
    );
    assert.deepEqual(steps(await timelineOf(shop, id)).slice(1), [
      ['APPROVAL_REQUIRED', 'PENDING_APPROVAL', 'system:workflow'],
      ['APPROVAL_ESCALATED', 'PENDING_APPROVAL', 'system:workflow'],
      ['APPROVAL_ESCALATED', 'PENDING_APPROVAL', 'system:workflow'],
      ['APPROVAL_EXPIRED', 'PENDING_APPROVAL', 'system:workflow'],
      ['ORDER_CANCELLED', 'CANCELLED', 'system:workflow'],
    ]);
    assert.deepEqual((await shop.admin.get('/v1/approvals')).body.items, [], 'out of every inbox');
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 0, available: 100 });
  });
});
