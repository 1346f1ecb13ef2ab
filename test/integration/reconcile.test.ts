import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import {
  type ExecutionStatus,
  type StateMachineId,
  TaskTokenInvalidError,
  useWorkflowPort,
} from '../../functions/shared/workflow/port';
import { createTestTables } from '../support/database';
import { requestCounter } from '../support/request-count';

const tables = await createTestTables();
const { orderIn, RecordingWorkflowPort, setUpTenant, submitOrder } = await import('../support/orders');
const { getOrderRecord } = await import('../../functions/orders/store');
const { parkTask } = await import('../../functions/workflow/store');
const { reconcileOrders, MAX_RESTARTS } = await import('../../functions/workflow/reconcile');
const { reportDelivery, reportShipment } = await import('../../functions/orders/fulfilment-reports');
const { rejectOrder } = await import('../../functions/orders/reject-order');
const { approveOrder } = await import('../../functions/orders/approve-order');
const { principal } = await import('../support/invoke');
const { documentClient, domainTableName } = await import('../../functions/shared/db/client');
const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
const { reconcileAttributes, reconcileEntryOf } = await import('../../functions/orders/reconcile-due');
const { TENANT_WIDE } = await import('../../functions/orders/partner-scope');
const { RECONCILE_AFTER_SECONDS } = await import('../../functions/orders/reconcile-due');

afterAll(() => tables.drop());

/**
 * Step Functions cannot run in these tests (the twin's runner is exercised end to end in
 * test/e2e/no-order-left-behind.test.ts): this port stands in for it, with executions whose
 * status a test sets, so each of the reconciler's decisions is reached on purpose.
 */
class ExecutionsPort extends RecordingWorkflowPort {
  readonly statuses = new Map<string, ExecutionStatus>();
  readonly described: string[] = [];

  override async describeExecution(args: {
    stateMachine: StateMachineId;
    name: string;
  }): Promise<ExecutionStatus | undefined> {
    this.described.push(args.name);
    return this.statuses.get(args.name) ?? (await super.describeExecution(args));
  }
}

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);
/** Past every order's look except the daily one of parked orders. */
const afterSteps = () => later(RECONCILE_AFTER_SECONDS.step + 30);

function freshPort(): ExecutionsPort {
  const port = new ExecutionsPort();
  useWorkflowPort(port);
  return port;
}

/** An order at `status` whose execution parked on `task` (entered now). */
async function parkedIn(
  t: Awaited<ReturnType<typeof setUpTenant>>,
  status: Parameters<typeof orderIn>[1],
  task: Omit<Parameters<typeof parkTask>[2], 'enteredAt'>,
) {
  const order = await orderIn(t, status);
  await parkTask(t.tenantId, await getOrderRecord(t.tenantId, order.id), {
    ...task,
    enteredAt: new Date().toISOString(),
  });
  return order;
}

/** Runs `change` while every SendTaskSuccess fails, as when Step Functions is unreachable. */
async function withAnswersLost<T>(port: ExecutionsPort, change: () => Promise<T>): Promise<T> {
  const answer = port.sendTaskSuccess;
  port.sendTaskSuccess = async () => {
    throw Object.assign(new Error('unreachable'), { name: 'ServiceUnavailable' });
  };
  try {
    return await change();
  } finally {
    port.sendTaskSuccess = answer;
  }
}

/**
 * An order whose shipment committed while the execution waited on `token`, and whose
 * SendTaskSuccess after the commit was lost (the port fails it as an unreachable Step Functions).
 */
async function shippedWithLostAnswer(
  t: Awaited<ReturnType<typeof setUpTenant>>,
  port: ExecutionsPort,
  token: string,
) {
  const order = await parkedIn(t, 'IN_FULFILMENT', { kind: 'shipment', token });
  await withAnswersLost(port, () =>
    reportShipment(
      t.tenantId,
      TENANT_WIDE,
      order.id,
      { carrier: 'DHL', trackingNumber: `JD-${token}` },
      { type: 'partner', id: 'wh-1' },
      new Date(),
    ),
  );
  return order;
}

describe('the stuck-order reconciler', () => {
  it('reads only the due orders: a Query per shard, then a GetItem and an UpdateItem per due order', async () => {
    const port = freshPort();
    const t = await setUpTenant();
    // First in this file: no other test's orders are due yet.
    const settle = new Date();
    const healthy = [];
    for (let i = 0; i < 6; i++) healthy.push(await orderIn(t, 'IN_FULFILMENT'));
    for (const order of healthy) {
      await parkTask(t.tenantId, await getOrderRecord(t.tenantId, order.id), {
        kind: 'shipment',
        token: `tok-${order.id}`,
        enteredAt: settle.toISOString(),
      });
      port.statuses.set(order.id, 'RUNNING');
    }
    const stuck = [await orderIn(t, 'APPROVED'), await orderIn(t, 'APPROVED')];
    for (const order of stuck) port.statuses.set(order.id, 'FAILED');

    // As the manifest's reconcileOrders: a request it is not granted would fail here.
    const { response: report, byCommand } = await requestCounter(tables).run('reconcileOrders', () =>
      reconcileOrders({ now: new Date(settle.getTime() + (RECONCILE_AFTER_SECONDS.step + 60) * 1000), port }),
    );
    assert.equal(report.restarted, 2);
    assert.equal(report.looked, 2, 'the six parked orders are not due');
    assert.deepEqual(
      byCommand,
      { QueryCommand: 4, GetItemCommand: 2, UpdateItemCommand: 2 },
      'a Query per shard, then per due order',
    );
  });

  it('starts the workflow of an order whose start never happened, under its own id', async () => {
    const port = freshPort();
    const t = await setUpTenant();
    const order = await submitOrder(t);
    port.starts.length = 0; // as if create's start had been lost
    // Not due yet: an order is given two minutes to get going.
    const early = await reconcileOrders({ now: new Date(), port });
    assert.equal(port.described.includes(order.id), false);
    assert.equal(early.started, 0);

    const report = await reconcileOrders({ now: later(RECONCILE_AFTER_SECONDS.created + 1), port });
    assert.ok(report.started >= 1);
    assert.deepEqual(
      port.starts.filter((s) => s.name === order.id),
      [
        {
          stateMachine: 'orderLifecycle',
          name: order.id,
          input: { tenantId: t.tenantId, orderId: order.id },
        },
      ],
    );
    // Started: the next look is a step later, so a run right after does not start it again.
    await reconcileOrders({ now: later(RECONCILE_AFTER_SECONDS.created + 2), port });
    assert.equal(port.starts.filter((s) => s.name === order.id).length, 1);
  });

  it('restarts an order whose execution ended before the order did, as <id>.r1, .r2 … then leaves it to a person', async () => {
    const port = freshPort();
    const t = await setUpTenant();
    const order = await orderIn(t, 'APPROVED');
    port.statuses.set(order.id, 'FAILED');
    let now = afterSteps();
    await reconcileOrders({ now, port });
    assert.equal((await getOrderRecord(t.tenantId, order.id)).workflowRun, 1);
    assert.deepEqual(
      port.starts.filter((s) => s.name.startsWith(`${order.id}.`)).map((s) => s.name),
      [`${order.id}.r1`],
    );
    for (let run = 1; run < MAX_RESTARTS; run++) {
      port.statuses.set(`${order.id}.r${run}`, 'SUCCEEDED');
      now = new Date(now.getTime() + (RECONCILE_AFTER_SECONDS.step + 1) * 1000);
      await reconcileOrders({ now, port });
    }
    assert.equal((await getOrderRecord(t.tenantId, order.id)).workflowRun, MAX_RESTARTS);
    port.statuses.set(`${order.id}.r${MAX_RESTARTS}`, 'FAILED');
    now = new Date(now.getTime() + (RECONCILE_AFTER_SECONDS.step + 1) * 1000);
    const report = await reconcileOrders({ now, port });
    assert.equal(report['needs-attention'], 1);
    const record = (await getOrderRecord(t.tenantId, order.id)) as Record<string, unknown>;
    assert.equal(record.reconcilePk, undefined, 'out of the index: nobody starts it again');
    assert.equal(record.status, 'APPROVED', 'the order itself is not touched');
    assert.equal(
      port.starts.filter((s) => s.name.startsWith(`${order.id}.`)).length,
      MAX_RESTARTS,
      'no start beyond the last restart',
    );
  });

  it('leaves a running execution alone; a parked one is looked at again only a day later', async () => {
    const port = freshPort();
    const t = await setUpTenant();
    const waiting = await parkedIn(t, 'IN_FULFILMENT', { kind: 'shipment', token: 'tok-running' });
    port.statuses.set(waiting.id, 'RUNNING');
    const before = await getOrderRecord(t.tenantId, waiting.id);
    const report = await reconcileOrders({ now: afterSteps(), port });
    assert.equal(port.described.includes(waiting.id), false, 'parked an hour ago: not due');
    assert.equal(report.restarted, 0);

    await reconcileOrders({ now: later(RECONCILE_AFTER_SECONDS.waiting + 60), port });
    assert.ok(port.described.includes(waiting.id));
    const after = await getOrderRecord(t.tenantId, waiting.id);
    assert.equal(after.version, before.version, 'a look is not a change');
    assert.equal(after.task?.token, 'tok-running');
    assert.equal(
      port.starts.some((s) => s.name.startsWith(`${waiting.id}.`)),
      false,
    );
  });

  it('answers a token whose answer was lost after a committed shipment, with the step the order is at', async () => {
    const port = freshPort();
    const t = await setUpTenant();
    const order = await shippedWithLostAnswer(t, port, 'tok-lost');
    const shipped = await getOrderRecord(t.tenantId, order.id);
    assert.equal(shipped.status, 'SHIPPED');
    assert.equal(shipped.task, undefined);
    assert.deepEqual(
      { token: shipped.answerDue?.token, answer: shipped.answerDue?.answer },
      { token: 'tok-lost', answer: 'success' },
    );

    port.statuses.set(order.id, 'RUNNING');
    const report = await reconcileOrders({ now: later(RECONCILE_AFTER_SECONDS.answer + 1), port });
    assert.equal(report.answered, 1);
    assert.deepEqual(port.successes, [
      { taskToken: 'tok-lost', output: { tenantId: t.tenantId, orderId: order.id, next: 'await-delivery' } },
    ]);
    assert.equal((await getOrderRecord(t.tenantId, order.id)).answerDue, undefined);
  });

  it('a delivery whose SendTaskSuccess was lost: DELIVERED, the task gone, the success owed and sent again on to closing', async () => {
    const port = freshPort();
    const t = await setUpTenant();
    const order = await parkedIn(t, 'SHIPPED', { kind: 'delivery', token: 'tok-delivered' });
    await withAnswersLost(port, () =>
      reportDelivery(t.tenantId, TENANT_WIDE, order.id, {}, { type: 'partner', id: 'wh-1' }, new Date()),
    );
    const delivered = await getOrderRecord(t.tenantId, order.id);
    assert.equal(delivered.status, 'DELIVERED');
    assert.equal(delivered.task, undefined);
    assert.deepEqual(
      { ...delivered.answerDue, at: undefined },
      { token: 'tok-delivered', kind: 'delivery', answer: 'success', at: undefined },
    );

    port.statuses.set(order.id, 'RUNNING');
    // Reaching SHIPPED answered the shipment's task through the same port: only what follows counts.
    const answeredBefore = port.successes.length;
    const report = await reconcileOrders({ now: later(RECONCILE_AFTER_SECONDS.answer + 1), port });
    assert.equal(report.answered, 1);
    assert.deepEqual(port.successes.slice(answeredBefore), [
      { taskToken: 'tok-delivered', output: { tenantId: t.tenantId, orderId: order.id, next: 'close' } },
    ]);
    assert.equal((await getOrderRecord(t.tenantId, order.id)).answerDue, undefined);
  });

  it('a lost answer whose token is no longer valid is dropped, and the execution is looked at instead', async () => {
    const port = freshPort();
    const t = await setUpTenant();
    const order = await shippedWithLostAnswer(t, port, 'tok-dead');
    port.sendTaskSuccess = async () => {
      throw new TaskTokenInvalidError();
    };
    port.statuses.set(order.id, 'TIMED_OUT');
    await reconcileOrders({ now: later(RECONCILE_AFTER_SECONDS.answer + 1), port });
    const after = await getOrderRecord(t.tenantId, order.id);
    assert.equal(after.answerDue, undefined);
    assert.equal(after.workflowRun, 1);
    assert.ok(port.starts.some((s) => s.name === `${order.id}.r1`));
  });

  it('final orders leave the index; the workflow’s own writes keep healthy orders out of the way', async () => {
    const port = freshPort();
    const t = await setUpTenant();
    const before = Date.now();
    const order = await orderIn(t, 'DELIVERED');
    const after = Date.now();
    const record = (await getOrderRecord(t.tenantId, order.id)) as Record<string, unknown>;
    // The last write was a step of the workflow's, which owes no answer: a look 5 minutes on, not 1.
    const due = Date.parse(reconcileEntryOf(record.reconcileSk as string).due);
    const step = RECONCILE_AFTER_SECONDS.step * 1000;
    assert.ok(due >= before + step && due <= after + step, new Date(due).toISOString());
    port.statuses.set(order.id, 'RUNNING');
    await reconcileOrders({ now: afterSteps(), port });
    assert.ok(port.described.includes(order.id), 'DELIVERED and not closed 5 minutes later: looked at');
  });
  it('a rejection whose SendTaskFailure was lost: the failure is sent again; once answered the order leaves the index', async () => {
    const port = freshPort();
    const t = await setUpTenant();
    const order = await parkedIn(t, 'PENDING_APPROVAL', { kind: 'approval', token: 'tok-reject', level: 1 });
    const fail = port.sendTaskFailure;
    port.sendTaskFailure = async () => {
      throw Object.assign(new Error('unreachable'), { name: 'ServiceUnavailable' });
    };
    await rejectOrder(principal(t.tenantId, ['approver'], 'alice'), order.id, 'too dear', new Date());
    port.sendTaskFailure = fail;
    const rejected = (await getOrderRecord(t.tenantId, order.id)) as Record<string, unknown>;
    assert.equal(rejected.status, 'REJECTED');
    assert.equal(typeof rejected.reconcileSk, 'string', 'final, but an answer is owed: still in the index');
    // What is owed, as stored: a failure with the rejection's code, for the token it answers.
    assert.deepEqual(
      { ...(rejected.answerDue as Record<string, unknown>), at: undefined },
      { token: 'tok-reject', kind: 'approval', answer: 'failure', code: 'order-rejected', at: undefined },
    );

    const report = await reconcileOrders({ now: later(RECONCILE_AFTER_SECONDS.answer + 1), port });
    assert.equal(report.answered, 1);
    assert.deepEqual(
      port.failures.map((f) => [f.taskToken, f.error]),
      [['tok-reject', 'ApprovalRejected']],
    );
    const after = (await getOrderRecord(t.tenantId, order.id)) as Record<string, unknown>;
    assert.equal(after.answerDue, undefined);
    assert.equal(after.reconcileSk, undefined, 'final and owing nothing: out of the index');
  });

  it('an approval whose SendTaskSuccess was lost: the success is sent again, with where the order goes next', async () => {
    const port = freshPort();
    const t = await setUpTenant();
    const order = await parkedIn(t, 'PENDING_APPROVAL', { kind: 'approval', token: 'tok-approve', level: 1 });
    await withAnswersLost(port, () =>
      approveOrder(principal(t.tenantId, ['approver'], 'alice'), order.id, {}, new Date()),
    );
    const approved = (await getOrderRecord(t.tenantId, order.id)) as Record<string, unknown>;
    assert.equal(approved.status, 'APPROVED');
    // What is owed, as stored: a success for the token it answers.
    assert.deepEqual(
      { ...(approved.answerDue as Record<string, unknown>), at: undefined },
      { token: 'tok-approve', kind: 'approval', answer: 'success', at: undefined },
    );

    const report = await reconcileOrders({ now: later(RECONCILE_AFTER_SECONDS.answer + 1), port });
    assert.equal(report.answered, 1);
    assert.deepEqual(port.successes, [
      { taskToken: 'tok-approve', output: { tenantId: t.tenantId, orderId: order.id, next: 'reserve' } },
    ]);
    assert.equal(
      ((await getOrderRecord(t.tenantId, order.id)) as Record<string, unknown>).answerDue,
      undefined,
    );
  });

  it('a final order whose owed token is no longer valid is simply forgotten; an entry without its order is skipped', async () => {
    const port = freshPort();
    const t = await setUpTenant();
    const order = await parkedIn(t, 'PENDING_APPROVAL', { kind: 'approval', token: 'tok-gone', level: 1 });
    port.sendTaskFailure = async () => {
      throw new TaskTokenInvalidError();
    };
    await rejectOrder(principal(t.tenantId, ['approver'], 'alice'), order.id, 'no', new Date());
    // An index entry whose order is gone (an index is eventually consistent with its table).
    const ghost = '01JF00000000000000000GHOST0';
    await documentClient.send(
      new PutCommand({
        TableName: domainTableName(),
        Item: {
          pk: `T#${t.tenantId}#GHOST`,
          sk: 'GHOST',
          ...reconcileAttributes(t.tenantId, ghost, new Date(Date.now() - 1000)),
        },
      }),
    );
    const report = await reconcileOrders({ now: later(RECONCILE_AFTER_SECONDS.answer + 1), port });
    assert.equal(report.forgotten, 1);
    assert.equal(port.described.includes(ghost), false);
    assert.equal(port.described.includes(order.id), false, 'a final order’s execution is not asked after');
    const after = (await getOrderRecord(t.tenantId, order.id)) as Record<string, unknown>;
    assert.equal(after.answerDue, undefined);
    assert.equal(after.reconcileSk, undefined);
  });
  it('an order that changes while the reconciler looks at it wins: the look ends without a write', async () => {
    const port = freshPort();
    const t = await setUpTenant();
    // The workflow parks a token on the order in the middle of each Step Functions call.
    const meanwhile = async (orderId: string) =>
      parkTask(t.tenantId, await getOrderRecord(t.tenantId, orderId), {
        kind: 'shipment',
        token: `tok-meanwhile-${Math.random()}`,
        enteredAt: new Date().toISOString(),
      });
    const running = await orderIn(t, 'APPROVED');
    const ended = await orderIn(t, 'STOCK_RESERVED');
    const owed = await shippedWithLostAnswer(t, port, 'tok-changed');
    port.statuses.set(ended.id, 'FAILED');
    const describe = port.describeExecution.bind(port);
    // Only this test's orders: the table's other tests leave orders of other tenants in the
    // reconciler's index, and whether one of them is due by now depends on how long they took.
    const ours = new Set([running.id, ended.id, owed.id]);
    port.describeExecution = async (args) => {
      if (ours.has(args.name)) await meanwhile(args.name);
      return args.name === running.id ? 'RUNNING' : describe(args);
    };
    const answer = port.sendTaskSuccess.bind(port);
    port.sendTaskSuccess = async (token, output) => {
      if (token === 'tok-changed') await meanwhile(owed.id);
      return answer(token, output);
    };
    const before = await getOrderRecord(t.tenantId, ended.id);
    const report = await reconcileOrders({ now: afterSteps(), port });
    assert.ok(report.changed >= 3, JSON.stringify(report));
    assert.equal(
      (await getOrderRecord(t.tenantId, ended.id)).workflowRun,
      before.workflowRun,
      'no restart claimed',
    );
    assert.equal(
      port.starts.some((s) => s.name === `${ended.id}.r1`),
      false,
      'nothing started for an order that moved',
    );
    // The answer went out; parking its next token is the workflow's own proof that it arrived.
    assert.ok(port.successes.some((answer) => answer.taskToken === 'tok-changed'));
    const owedAfter = await getOrderRecord(t.tenantId, owed.id);
    assert.equal(owedAfter.answerDue, undefined);
    assert.match(owedAfter.task?.token ?? '', /^tok-meanwhile-/);
  });
});
