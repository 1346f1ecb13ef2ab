import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { createTestTables } from '../support/database';
import { fakeContext } from '../support/invoke';

/**
 * The task functions on their own, against DynamoDB Local, in the moments the workflow tests
 * cannot time: a person acts between two states (before a token is kept), an execution is
 * started again half-way, a failure comes after shipping. Step Functions is stood in for by a
 * recording port, so what each task answers is visible.
 */
const tables = await createTestTables();
const orders = await import('../support/orders');
const { getOrderRecord } = await import('../../functions/orders/store');
const { approveOrder } = await import('../../functions/orders/approve-order');
const { cancelOrder } = await import('../../functions/orders/cancel-order');
const { reportFulfilmentFailure } = await import('../../functions/orders/fulfilment-reports');
const { rejectOrder } = await import('../../functions/orders/reject-order');
const { listTimeline } = await import('../../functions/orders/store');
const { TENANT_WIDE } = await import('../../functions/orders/partner-scope');
const tasks = {
  advance: (await import('../../functions/workflow/advance-order')).handler,
  awaitApproval: (await import('../../functions/workflow/await-approval')).handler,
  escalate: (await import('../../functions/workflow/escalate-approval')).handler,
  reserve: (await import('../../functions/workflow/reserve-stock')).handler,
  requestFulfilment: (await import('../../functions/workflow/request-fulfilment')).handler,
  awaitDelivery: (await import('../../functions/workflow/await-delivery')).handler,
  close: (await import('../../functions/workflow/close-order')).handler,
  compensate: (await import('../../functions/workflow/compensate-order')).handler,
};

const port = orders.recordWorkflow();
const run = (
  task: (event: unknown, context: ReturnType<typeof fakeContext>) => Promise<unknown>,
  event: object,
) => task(event, fakeContext()) as Promise<any>;
const alice = (tenantId: string) => ({ tenantId, userId: 'alice', roles: ['approver' as const] });
const eventTypes = async (tenantId: string, orderId: string) =>
  (await listTimeline(tenantId, TENANT_WIDE, orderId, 100)).items.map((e) => e.type);
let tokens = 0;
const token = () => `token-${tokens++}`;

describe('workflow tasks: races and restarts', () => {
  afterAll(() => tables.drop());

  it('AwaitApproval answers its own token when the level was decided before it could keep it', async () => {
    const t = await orders.setUpTenant();
    const order = await orders.submitOrder(t);
    await orders.requireApproval(t, order.id, [orders.level('approver')]);
    await approveOrder(alice(t.tenantId), order.id, undefined, new Date());

    const taskToken = token();
    await run(tasks.awaitApproval, { tenantId: t.tenantId, orderId: order.id, taskToken, level: 1 });
    assert.deepEqual(port.successes.find((s) => s.taskToken === taskToken)?.output, {
      tenantId: t.tenantId,
      orderId: order.id,
      next: 'reserve',
    });
    assert.equal((await getOrderRecord(t.tenantId, order.id)).task, undefined, 'nothing parked');
  });

  it('AwaitApproval answers at once for a later level, so that level’s SLA becomes the timeout', async () => {
    const t = await orders.setUpTenant();
    const order = await orders.submitOrder(t);
    await orders.requireApproval(t, order.id, [
      orders.level('approver'),
      orders.level('admin', { slaSeconds: 7_200 }),
    ]);
    await approveOrder(alice(t.tenantId), order.id, undefined, new Date());

    const taskToken = token();
    await run(tasks.awaitApproval, { tenantId: t.tenantId, orderId: order.id, taskToken, level: 1 });
    const answer = port.successes.find((s) => s.taskToken === taskToken)?.output;
    assert.equal(answer?.next, 'await-approval');
    assert.equal(answer?.level, 2);
    assert.ok(Math.abs((answer?.slaRemainingSeconds ?? 0) - 7_200) <= 2);
  });

  it('AwaitApproval keeps its token without a timeline event, and a cancel then fails that token', async () => {
    const t = await orders.setUpTenant();
    const order = await orders.submitOrder(t);
    const pending = await orders.requireApproval(t, order.id, [orders.level('approver')]);
    const taskToken = token();
    const result = await run(tasks.awaitApproval, {
      tenantId: t.tenantId,
      orderId: order.id,
      taskToken,
      level: 1,
    });
    assert.deepEqual(result, { waiting: true });
    const parked = await getOrderRecord(t.tenantId, order.id);
    assert.deepEqual([parked.task?.kind, parked.task?.token, parked.task?.level], ['approval', taskToken, 1]);
    assert.equal(parked.version, pending.version + 1, 'a new version: a decision read before must re-read');
    assert.equal(parked.updatedAt, pending.updatedAt);
    assert.deepEqual(await eventTypes(t.tenantId, order.id), ['ORDER_SUBMITTED', 'APPROVAL_REQUIRED']);

    await cancelOrder(t.sales, order.id, 'changed my mind', new Date());
    assert.deepEqual(
      port.failures.find((f) => f.taskToken === taskToken),
      {
        taskToken,
        error: 'OrderCancelled',
        cause: '{"code":"order-cancelled"}',
      },
    );
  });

  it('AwaitApproval fails its own token for an order cancelled or rejected before it could keep it', async () => {
    const t = await orders.setUpTenant();
    const cancelled = await orders.submitOrder(t);
    await orders.requireApproval(t, cancelled.id, [orders.level('approver')]);
    await cancelOrder(t.sales, cancelled.id, 'too late', new Date());
    const first = token();
    await run(tasks.awaitApproval, {
      tenantId: t.tenantId,
      orderId: cancelled.id,
      taskToken: first,
      level: 1,
    });
    assert.equal(port.failures.find((f) => f.taskToken === first)?.error, 'OrderCancelled');

    const rejected = await orders.submitOrder(t);
    await orders.requireApproval(t, rejected.id, [orders.level('approver')]);
    await rejectOrder(alice(t.tenantId), rejected.id, 'no', new Date());
    const second = token();
    await run(tasks.awaitApproval, {
      tenantId: t.tenantId,
      orderId: rejected.id,
      taskToken: second,
      level: 1,
    });
    assert.equal(port.failures.find((f) => f.taskToken === second)?.error, 'ApprovalRejected');
  });

  it('EscalateApproval leaves a level alone that a person decided while the timeout fired', async () => {
    const t = await orders.setUpTenant();
    const order = await orders.submitOrder(t);
    await orders.requireApproval(t, order.id, [orders.level('approver')], new Date(Date.now() - 7_200_000));
    await approveOrder(alice(t.tenantId), order.id, undefined, new Date());
    const step = await run(tasks.escalate, { tenantId: t.tenantId, orderId: order.id });
    assert.equal(step.next, 'reserve');
    assert.ok(!(await eventTypes(t.tenantId, order.id)).includes('APPROVAL_ESCALATED'));
  });

  it('EscalateApproval leaves an overdue level alone on an order being cancelled, out of every inbox', async () => {
    const t = await orders.setUpTenant();
    const order = await orders.submitOrder(t);
    await orders.requireApproval(t, order.id, [orders.level('approver')], new Date(Date.now() - 7_200_000));
    await cancelOrder(t.sales, order.id, 'not needed', new Date());
    const before = await getOrderRecord(t.tenantId, order.id);
    const step = await run(tasks.escalate, { tenantId: t.tenantId, orderId: order.id });
    assert.deepEqual(step, { tenantId: t.tenantId, orderId: order.id, next: 'compensate' });
    const after = await getOrderRecord(t.tenantId, order.id);
    assert.equal(after.version, before.version, 'nothing written');
    assert.deepEqual(
      after.approval?.levels.map((l) => [l.status, l.role, l.escalations.length]),
      [['pending', 'approver', 0]],
    );
    // An escalation would put the order back into the admin's inbox.
    assert.equal((after as { inboxPk?: string }).inboxPk, undefined);
    assert.deepEqual(await eventTypes(t.tenantId, order.id), [
      'ORDER_SUBMITTED',
      'APPROVAL_REQUIRED',
      'CANCEL_REQUESTED',
    ]);
  });

  it('restarted on an APPROVED order, Advance reserves its stock; ReserveStock then changes nothing', async () => {
    const t = await orders.setUpTenant();
    const order = await orders.submitOrder(t, [{ sku: 'WIDGET', quantity: 3 }]);
    await orders.approve(t, order.id);
    const step = await run(tasks.advance, { tenantId: t.tenantId, orderId: order.id });
    assert.equal(step.next, 'request-fulfilment');
    assert.deepEqual(await orders.stockOf(t, 'WIDGET'), { onHand: 100, reserved: 3, available: 97 });
    const again = await run(tasks.reserve, { tenantId: t.tenantId, orderId: order.id });
    assert.equal(again.next, 'request-fulfilment');
    assert.deepEqual(await orders.stockOf(t, 'WIDGET'), { onHand: 100, reserved: 3, available: 97 });
    const decided = await run(tasks.advance, { tenantId: t.tenantId, orderId: order.id });
    assert.equal(decided.next, 'request-fulfilment', 'a decided order is only routed');
  });

  it('RequestFulfilment keeps a new token when started again, and fails it for a reported failure', async () => {
    const t = await orders.setUpTenant();
    const order = await orders.orderIn(t, 'IN_FULFILMENT');
    const taskToken = token();
    assert.deepEqual(
      await run(tasks.requestFulfilment, { tenantId: t.tenantId, orderId: order.id, taskToken }),
      {
        waiting: true,
      },
    );
    assert.equal((await getOrderRecord(t.tenantId, order.id)).task?.token, taskToken);
    assert.equal(
      (await eventTypes(t.tenantId, order.id)).filter((e) => e === 'FULFILMENT_REQUESTED').length,
      1,
      'requested once',
    );

    const failing = await orders.orderIn(t, 'STOCK_RESERVED');
    await reportFulfilmentFailure(
      t.tenantId,
      TENANT_WIDE,
      failing.id,
      'No material',
      orders.partner(),
      new Date(),
    );
    const second = token();
    await run(tasks.requestFulfilment, { tenantId: t.tenantId, orderId: failing.id, taskToken: second });
    assert.deepEqual(
      port.failures.find((f) => f.taskToken === second),
      {
        taskToken: second,
        error: 'FulfilmentFailed',
        cause: '{"code":"fulfilment-failed"}',
      },
    );
  });

  it('the token tasks answer at once for an order that moved on before they ran', async () => {
    const t = await orders.setUpTenant();
    const shipped = await orders.orderIn(t, 'SHIPPED');
    const first = token();
    await run(tasks.requestFulfilment, { tenantId: t.tenantId, orderId: shipped.id, taskToken: first });
    assert.equal(port.successes.find((s) => s.taskToken === first)?.output.next, 'await-delivery');

    const delivered = await orders.orderIn(t, 'DELIVERED');
    const second = token();
    await run(tasks.awaitDelivery, { tenantId: t.tenantId, orderId: delivered.id, taskToken: second });
    assert.equal(port.successes.find((s) => s.taskToken === second)?.output.next, 'close');
  });

  it('CloseOrder closes once; Compensate leaves a closed order alone and asks a person about a shipped one', async () => {
    const t = await orders.setUpTenant();
    const delivered = await orders.orderIn(t, 'DELIVERED');
    assert.equal((await run(tasks.close, { tenantId: t.tenantId, orderId: delivered.id })).next, 'done');
    assert.equal((await run(tasks.close, { tenantId: t.tenantId, orderId: delivered.id })).next, 'done');
    assert.equal((await eventTypes(t.tenantId, delivered.id)).filter((e) => e === 'ORDER_CLOSED').length, 1);
    assert.equal((await run(tasks.compensate, { tenantId: t.tenantId, orderId: delivered.id })).next, 'done');

    const shipped = await orders.orderIn(t, 'SHIPPED');
    const step = await run(tasks.compensate, {
      tenantId: t.tenantId,
      orderId: shipped.id,
      state: { error: { Error: 'States.Timeout', Cause: '' } },
    });
    assert.equal(step.next, 'needs-attention');
    const record = await getOrderRecord(t.tenantId, shipped.id);
    assert.equal(record.status, 'SHIPPED');
    assert.equal((await eventTypes(t.tenantId, shipped.id)).at(-1), 'WORKFLOW_NEEDS_ATTENTION');
  });

  it('refuses input it cannot use with a named error', async () => {
    await assert.rejects(run(tasks.advance, { tenantId: 't', orderId: 'not-a-ulid' }), {
      name: 'InvalidTaskInput',
    });
    await assert.rejects(run(tasks.awaitApproval, { tenantId: 't', orderId: '01JZ00000000000000000000AA' }), {
      name: 'InvalidTaskInput',
    });
  });
});
