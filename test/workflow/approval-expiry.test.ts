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
  statesOf,
  steps,
  stockOf,
  timelineOf,
} from '../support/workflow';
import { gateInvocations } from '../support/workflow-faults';

/**
 * Deciding a level whose SLA has passed, through the real ASL run by the twin's runner, the real
 * task functions and HTTP handlers, DynamoDB Local. The original approver's late decision on an
 * escalated level is refused (403: the level now waits on the escalation role) and changes
 * nothing, while the escalated approver still decides. Once the last escalation ran out, the
 * order carries `approvalExpired` until Compensate cancels it: in that window every decision is
 * refused with 409 by `decidableLevel`'s `approvalExpired` check (the escalated admin would pass
 * every other check). To stand in that window for as long as the test needs, the Compensate
 * invocation is held at the Lambda layer (a slow start; test/support/workflow-faults.ts).
 * SLAs are below the API's 60 s minimum, so the rule set is written through the approvals store,
 * as PUT /v1/approval-rules does after validating (see escalation.test.ts).
 */
const twin = await startTestTwin();
/** Waits on the workflow give up after this (a busy machine's cold starts). */
const WAIT_MS = 300_000;
// What the tests do inside an SLA must not wait for a cold start.
await twin.warm(
  'createOrder',
  'advanceOrder',
  'awaitApproval',
  'escalateApproval',
  'approveOrder',
  'getOrder',
  'getOrderTimeline',
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

describe('workflow: deciding after a level expired', () => {
  afterAll(() => twin.stop());

  it('refuses the original approver on an escalated level (403, nothing changed); the admin it went to approves', {
    timeout: 600_000,
  }, async () => {
    const shop = await openShop(twin);
    // 1 s SLAs, and the second escalation held at the gate: the level stays escalated to the
    // admin, pending, however long the steps below take on a busy machine. (The admin's approval
    // then races the escalated level's timeout, which EscalateApproval resolves for the decision.)
    await everythingNeedsApproval(shop, { role: 'approver', slaSeconds: 1, escalateTo: 'admin' });
    const escalate = gateInvocations(twin, 'escalateApproval', { after: 1 });
    onTestFinished(() => escalate.open());
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 2 }]);
    await escalate.reached;

    const escalated = await orderOf(shop, id);
    assert.equal(escalated.status, 'PENDING_APPROVAL');
    assert.deepEqual(
      escalated.approval.levels.map((l: any) => [l.level, l.role, l.status, l.escalations.length]),
      [[1, 'admin', 'pending', 1]],
    );
    const late = await shop.alice.post(`/v1/orders/${id}/approve`, { comment: 'sorry, late' });
    assert.equal(late.status, 403, late.text);
    assert.equal(late.body.detail, "Level 1 waits on the role 'admin'.");
    assert.deepEqual(await orderOf(shop, id), escalated, 'the refusal changed nothing');
    assert.deepEqual(steps(await timelineOf(shop, id)), [
      ['ORDER_SUBMITTED', 'SUBMITTED', 'user:sam'],
      ['APPROVAL_REQUIRED', 'PENDING_APPROVAL', 'system:workflow'],
      ['APPROVAL_ESCALATED', 'PENDING_APPROVAL', 'system:workflow'],
    ]);

    ok(await shop.admin.post(`/v1/orders/${id}/approve`, { comment: 'escalated to me' }));
    escalate.open();
    await twin.runner.waitForTaskToken(id, 'RequestFulfilment', WAIT_MS);
    ok(
      await shop.partner.post(`/v1/orders/${id}/shipments`, { carrier: 'DHL', trackingNumber: `JD-${id}` }),
      201,
    );
    await twin.runner.waitForTaskToken(id, 'AwaitDelivery', WAIT_MS);
    ok(await shop.partner.post(`/v1/orders/${id}/delivery`, {}));
    const execution = await twin.runner.waitForExecution(id, WAIT_MS);

    assertExecution(execution);
    assert.deepEqual(statesOf(execution), [
      'Advance',
      'Route',
      'AwaitApproval',
      'EscalateApproval',
      'Route',
      'AwaitApproval',
      'EscalateApproval',
      'Route',
      'ReserveStock',
      'RequestFulfilment',
      'AwaitDelivery',
      'CloseOrder',
    ]);
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'CLOSED');
    assert.equal(order.approval.levels[0].decidedBy, 'ada');
    assert.equal(order.approval.levels[0].comment, 'escalated to me');
    assert.deepEqual(steps(await timelineOf(shop, id)).slice(0, 5), [
      ['ORDER_SUBMITTED', 'SUBMITTED', 'user:sam'],
      ['APPROVAL_REQUIRED', 'PENDING_APPROVAL', 'system:workflow'],
      ['APPROVAL_ESCALATED', 'PENDING_APPROVAL', 'system:workflow'],
      ['APPROVAL_GRANTED', 'APPROVED', 'user:ada'],
      ['STOCK_RESERVED', 'STOCK_RESERVED', 'system:workflow'],
    ]);
  });

  it('refuses every decision once the last escalation ran out (409), even the admin’s; compensation then cancels', {
    timeout: 600_000,
  }, async () => {
    const shop = await openShop(twin);
    // 1 s SLAs: nobody decides, so nothing races them.
    await everythingNeedsApproval(shop, { role: 'approver', slaSeconds: 1, escalateTo: 'admin' });
    const compensate = gateInvocations(twin, 'compensateOrder');
    onTestFinished(() => compensate.open());
    const id = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 2 }]);
    await compensate.reached;

    // Expired: the level still pending for the admin it was escalated to, the order not yet cancelled.
    const expired = await orderOf(shop, id);
    assert.equal(expired.status, 'PENDING_APPROVAL');
    assert.deepEqual(
      expired.approval.levels.map((l: any) => [l.level, l.role, l.status, l.escalations.length]),
      [[1, 'admin', 'pending', 2]],
    );
    const byAdmin = await shop.admin.post(`/v1/orders/${id}/approve`, { comment: 'just in time?' });
    assert.equal(byAdmin.status, 409, byAdmin.text);
    assert.equal(byAdmin.body.detail, 'The approval expired; the order is being cancelled.');
    const byAlice = await shop.alice.post(`/v1/orders/${id}/approve`, {});
    assert.equal(byAlice.status, 409, byAlice.text);
    assert.equal(byAlice.body.detail, 'The approval expired; the order is being cancelled.');
    assert.deepEqual(await orderOf(shop, id), expired, 'the refusals changed nothing');
    assert.deepEqual((await shop.admin.get('/v1/approvals')).body.items, [], 'out of every inbox');

    compensate.open();
    const execution = await twin.runner.waitForExecution(id, WAIT_MS);
    assertExecution(execution);
    assert.deepEqual(statesOf(execution), [
      'Advance',
      'Route',
      'AwaitApproval',
      'EscalateApproval',
      'Route',
      'AwaitApproval',
      'EscalateApproval',
      'Route',
      'AwaitApproval',
      'EscalateApproval',
      'Route',
      'Compensate',
      'AfterCompensation',
      'Done',
    ]);
    const order = await orderOf(shop, id);
    assert.equal(order.status, 'CANCELLED');
    assert.equal(order.cancellation.code, 'APPROVAL_EXPIRED');
    assert.equal(order.approval.levels[0].status, 'pending', 'nobody decided it');
    assert.deepEqual(steps(await timelineOf(shop, id)), [
      ['ORDER_SUBMITTED', 'SUBMITTED', 'user:sam'],
      ['APPROVAL_REQUIRED', 'PENDING_APPROVAL', 'system:workflow'],
      ['APPROVAL_ESCALATED', 'PENDING_APPROVAL', 'system:workflow'],
      ['APPROVAL_ESCALATED', 'PENDING_APPROVAL', 'system:workflow'],
      ['APPROVAL_EXPIRED', 'PENDING_APPROVAL', 'system:workflow'],
      ['ORDER_CANCELLED', 'CANCELLED', 'system:workflow'],
    ]);
    assert.deepEqual(await stockOf(shop, 'WIDGET'), { onHand: 100, reserved: 0, available: 100 });
  });
});
