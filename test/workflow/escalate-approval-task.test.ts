import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { createTestTables } from '../support/database';
import { fakeContext } from '../support/invoke';

/**
 * EscalateApproval on its own, in-process against DynamoDB Local: what it writes when a level's SLA
 * ran out (escalation, then expiry), and what it leaves alone. The twin's `escalation` and
 * `approval-expiry` tests drive the same task through the real definition; this file shows what
 * each call stores and answers, exactly, and mutation testing can see it (the twin's handlers run
 * in worker threads that Stryker does not reach).
 */
const tables = await createTestTables();
const orders = await import('../support/orders');
const { getOrderRecord, listTimeline } = await import('../../functions/orders/store');
const { TENANT_WIDE } = await import('../../functions/orders/partner-scope');
const { handler: escalateTask } = await import('../../functions/workflow/escalate-approval');

const HOUR = 3_600_000;
const T0 = new Date('2026-11-02T09:00:00.000Z');
const sinceT0 = (ms: number) => new Date(T0.getTime() + ms);

/** Runs EscalateApproval with the clock held at `now` (the task reads `new Date()` itself). */
const escalateAt = (tenantId: string, orderId: string, now: Date) =>
  orders.runTask<any>(escalateTask, { tenantId, orderId }, now);

const timeline = async (tenantId: string, orderId: string) =>
  (await listTimeline(tenantId, TENANT_WIDE, orderId, 100)).items;

/** An order waiting on one approver level (SLA one hour, escalating to finance), requested at T0. */
async function overdueOrder() {
  const t = await orders.setUpTenant();
  const order = await orders.submitOrder(t);
  await orders.requireApproval(t, order.id, [orders.level('approver', { escalateTo: 'finance' })], T0);
  return { t, orderId: order.id };
}

describe('EscalateApproval', () => {
  afterAll(() => tables.drop());

  it('moves an overdue level to its escalation role: fresh SLA, that role’s inbox, the parked token dropped', async () => {
    const { t, orderId } = await overdueOrder();
    await orders.parkTask(t, orderId, 'approval');
    const now = sinceT0(HOUR + 60_000);

    const step = await escalateAt(t.tenantId, orderId, now);

    // The workflow waits again on the same level, for the whole fresh SLA.
    assert.deepEqual(step, {
      tenantId: t.tenantId,
      orderId,
      next: 'await-approval',
      level: 1,
      slaRemainingSeconds: 3600,
    });
    const stored = await getOrderRecord(t.tenantId, orderId);
    assert.equal(stored.status, 'PENDING_APPROVAL');
    const [level] = stored.approval?.levels ?? [];
    assert.equal(level?.status, 'pending');
    assert.equal(level?.role, 'finance');
    assert.equal(level?.requestedAt, now.toISOString());
    assert.equal(level?.dueAt, sinceT0(2 * HOUR + 60_000).toISOString());
    assert.deepEqual(level?.escalations, [
      { at: now.toISOString(), fromRole: 'approver', toRole: 'finance' },
    ]);
    // The decision that required approval is kept beside the levels.
    assert.equal(stored.approval?.decision?.ruleId, orders.REQUIRE_RULE_ID);
    const record = stored as { inboxPk?: string; inboxSk?: string };
    assert.equal(record.inboxPk, `T#${t.tenantId}#APPROVALS#finance`);
    assert.equal(record.inboxSk, `${now.toISOString()}#${orderId}`);
    // The token AwaitApproval kept belongs to the wait that timed out: nobody may answer it now.
    assert.equal(stored.task, undefined);

    const events = await timeline(t.tenantId, orderId);
    const escalated = events.filter((e) => e.type === 'APPROVAL_ESCALATED');
    assert.equal(escalated.length, 1);
    assert.deepEqual(escalated[0]?.actor, { type: 'system', id: 'workflow' });
    assert.deepEqual(escalated[0]?.details, {
      level: 1,
      fromRole: 'approver',
      toRole: 'finance',
      dueAt: sinceT0(2 * HOUR + 60_000).toISOString(),
      escalation: 1,
    });
  });

  it('after the last escalation, expires the approval: out of every inbox, the token dropped, on to compensation', async () => {
    const { t, orderId } = await overdueOrder();
    // Two escalations (to finance, then to admin), each when the SLA before it ran out.
    await escalateAt(t.tenantId, orderId, sinceT0(HOUR + 1_000));
    await escalateAt(t.tenantId, orderId, sinceT0(2 * HOUR + 2_000));
    assert.deepEqual(
      (await getOrderRecord(t.tenantId, orderId)).approval?.levels[0]?.escalations.map((e) => e.toRole),
      ['finance', 'admin'],
    );
    await orders.parkTask(t, orderId, 'approval');
    const now = sinceT0(3 * HOUR + 3_000);

    const step = await escalateAt(t.tenantId, orderId, now);

    assert.deepEqual(step, { tenantId: t.tenantId, orderId, next: 'compensate' });
    const stored = await getOrderRecord(t.tenantId, orderId);
    assert.deepEqual((stored as { approvalExpired?: unknown }).approvalExpired, {
      at: now.toISOString(),
      level: 1,
      role: 'admin',
      escalations: 2,
    });
    assert.equal(stored.task, undefined);
    const record = stored as { inboxPk?: string; inboxSk?: string };
    assert.equal(record.inboxPk, undefined, 'out of the admin’s inbox');
    assert.equal(record.inboxSk, undefined);
    const events = await timeline(t.tenantId, orderId);
    const expired = events.filter((e) => e.type === 'APPROVAL_EXPIRED');
    assert.equal(expired.length, 1);
    assert.deepEqual(expired[0]?.actor, { type: 'system', id: 'workflow' });
    assert.deepEqual(expired[0]?.details, { level: 1, role: 'admin', escalations: 2 });

    // A retried attempt (the answer was lost) finds the expiry and routes on, writing nothing.
    const again = await escalateAt(t.tenantId, orderId, sinceT0(3 * HOUR + 4_000));
    assert.deepEqual(again, { tenantId: t.tenantId, orderId, next: 'compensate' });
    assert.equal((await getOrderRecord(t.tenantId, orderId)).version, stored.version);
  });

  it('leaves a level alone that is not yet due (a timeout that fired early): nothing written', async () => {
    const { t, orderId } = await overdueOrder();
    const before = await getOrderRecord(t.tenantId, orderId);

    const step = await escalateAt(t.tenantId, orderId, sinceT0(HOUR - 10_000));

    assert.deepEqual(step, {
      tenantId: t.tenantId,
      orderId,
      next: 'await-approval',
      level: 1,
      slaRemainingSeconds: 10,
    });
    assert.equal((await getOrderRecord(t.tenantId, orderId)).version, before.version);
  });

  it('routes an order that never needed approval on as its status says, with nothing written', async () => {
    const t = await orders.setUpTenant();
    const order = await orders.submitOrder(t);
    const before = await getOrderRecord(t.tenantId, order.id);
    assert.equal(before.approval, undefined);

    const step = await escalateAt(t.tenantId, order.id, sinceT0(HOUR));

    // A SUBMITTED order goes back to Advance, which alone evaluates approval.
    assert.deepEqual(step, { tenantId: t.tenantId, orderId: order.id, next: 'done' });
    assert.equal((await getOrderRecord(t.tenantId, order.id)).version, before.version);
  });

  it('refuses input it cannot use with InvalidTaskInput, naming the task', async () => {
    await assert.rejects(escalateTask({ tenantId: 't' }, fakeContext()), {
      name: 'InvalidTaskInput',
      message: 'escalateApproval got input it cannot use: 1 issue(s).',
    });
  });
});
