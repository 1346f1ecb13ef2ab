import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { createTestTables } from '../support/database';
import { fakeContext, principal } from '../support/invoke';

/**
 * AwaitApproval on its own, in-process against DynamoDB Local: it keeps the token of the level it
 * waits for, and answers its own token at once when there is nothing to wait for — so a decision,
 * an expiry or a status change that happened while the token was on its way is never missed. The
 * twin's approval tests drive it through the real definition; here each case's answer and stored
 * state are exact, and mutation testing sees them (the twin's handlers run in worker threads).
 * Step Functions' endpoint cannot run here: answers are recorded by `recordWorkflow`.
 */
const tables = await createTestTables();
const orders = await import('../support/orders');
const { getOrderRecord } = await import('../../functions/orders/store');
const { approveOrder } = await import('../../functions/orders/approve-order');
const { handler: awaitApproval } = await import('../../functions/workflow/await-approval');
const { handler: escalateTask } = await import('../../functions/workflow/escalate-approval');

const port = orders.recordWorkflow();
const HOUR = 3_600_000;
const T0 = new Date('2026-11-02T09:00:00.000Z');
const sinceT0 = (ms: number) => new Date(T0.getTime() + ms);

const awaitAt = (tenantId: string, orderId: string, level: number, taskToken: string, now: Date) =>
  orders.runTask<{ waiting: boolean }>(awaitApproval, { tenantId, orderId, taskToken, level }, now);
const answerOf = (taskToken: string) => port.successes.filter((s) => s.taskToken === taskToken);

describe('AwaitApproval', () => {
  afterAll(() => tables.drop());

  it('keeps the token of the level that waits, with when it began waiting; answers nothing', async () => {
    const t = await orders.setUpTenant();
    const { id } = await orders.submitOrder(t);
    await orders.requireApproval(t, id, [orders.level('approver')], T0);
    const now = sinceT0(60_000);

    const result = await awaitAt(t.tenantId, id, 1, 'token-kept', now);

    assert.deepEqual(result, { waiting: true });
    const stored = await getOrderRecord(t.tenantId, id);
    assert.deepEqual(stored.task, {
      kind: 'approval',
      token: 'token-kept',
      level: 1,
      enteredAt: now.toISOString(),
    });
    assert.deepEqual(answerOf('token-kept'), []);
    assert.equal(port.failures.filter((f) => f.taskToken === 'token-kept').length, 0);
  });

  it('answers at once, on to compensation, when the approval expired before the token arrived', async () => {
    const t = await orders.setUpTenant();
    const { id } = await orders.submitOrder(t);
    await orders.requireApproval(t, id, [orders.level('approver', { escalateTo: 'finance' })], T0);
    // Escalated twice (finance, then admin), then expired: each when the SLA before it ran out.
    for (const [i, ms] of [HOUR + 1_000, 2 * HOUR + 2_000, 3 * HOUR + 3_000].entries()) {
      await orders.runTask(escalateTask, { tenantId: t.tenantId, orderId: id }, sinceT0(ms));
      assert.equal(
        (await getOrderRecord(t.tenantId, id)).status,
        'PENDING_APPROVAL',
        `after escalation ${i}`,
      );
    }
    const expired = await getOrderRecord(t.tenantId, id);
    assert.ok((expired as { approvalExpired?: unknown }).approvalExpired, 'the fixture expired the approval');

    const result = await awaitAt(t.tenantId, id, 1, 'token-late', sinceT0(3 * HOUR + 4_000));

    assert.deepEqual(result, { waiting: false });
    assert.deepEqual(answerOf('token-late'), [
      { taskToken: 'token-late', output: { tenantId: t.tenantId, orderId: id, next: 'compensate' } },
    ]);
    const stored = await getOrderRecord(t.tenantId, id);
    assert.equal(stored.task, undefined, 'no token kept for a wait that is over');
    assert.equal(stored.version, expired.version);
  });

  it('answers at once with the next level when its own level was decided meanwhile', async () => {
    const t = await orders.setUpTenant();
    const { id } = await orders.submitOrder(t);
    await orders.requireApproval(t, id, [orders.level('approver'), orders.level('finance')], T0);
    await approveOrder(principal(t.tenantId, ['approver'], 'first-approver'), id, {}, sinceT0(60_000));
    const decided = await getOrderRecord(t.tenantId, id);
    assert.deepEqual(
      decided.approval?.levels.map((l) => l.status),
      ['approved', 'pending'],
    );
    const now = sinceT0(120_000);

    const result = await awaitAt(t.tenantId, id, 1, 'token-level-1', now);

    assert.deepEqual(result, { waiting: false });
    const dueAt = Date.parse(decided.approval?.levels[1]?.dueAt as string);
    assert.deepEqual(answerOf('token-level-1'), [
      {
        taskToken: 'token-level-1',
        output: {
          tenantId: t.tenantId,
          orderId: id,
          next: 'await-approval',
          level: 2,
          slaRemainingSeconds: Math.ceil((dueAt - now.getTime()) / 1000),
        },
      },
    ]);
    const stored = await getOrderRecord(t.tenantId, id);
    assert.equal(stored.task, undefined);
    assert.equal(stored.version, decided.version);

    // The token for level 2 is kept.
    assert.deepEqual(await awaitAt(t.tenantId, id, 2, 'token-level-2', now), { waiting: true });
    assert.equal((await getOrderRecord(t.tenantId, id)).task?.token, 'token-level-2');
  });

  it('routes an order that holds no approval on as its status says, keeping nothing', async () => {
    const t = await orders.setUpTenant();
    const { id } = await orders.submitOrder(t);
    const before = await getOrderRecord(t.tenantId, id);
    assert.equal(before.approval, undefined);

    const result = await awaitAt(t.tenantId, id, 1, 'token-no-approval', sinceT0(0));

    assert.deepEqual(result, { waiting: false });
    assert.deepEqual(answerOf('token-no-approval'), [
      { taskToken: 'token-no-approval', output: { tenantId: t.tenantId, orderId: id, next: 'done' } },
    ]);
    assert.equal((await getOrderRecord(t.tenantId, id)).version, before.version);
  });

  it('refuses input it cannot use with InvalidTaskInput, naming the task', async () => {
    await assert.rejects(awaitApproval({ tenantId: 't', orderId: 'o' }, fakeContext()), {
      name: 'InvalidTaskInput',
      message: /^awaitApproval got input it cannot use: \d+ issue\(s\)\.$/,
    });
  });
});
