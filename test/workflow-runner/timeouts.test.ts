import assert from 'node:assert/strict';
import { describe, it, onTestFinished } from 'vitest';
import { TaskTokenInvalidError } from '../../functions/shared/workflow/port';
import { runnerFor } from './fakes';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The deadline counts from when the state was entered, a little after the execution started. */
const dueWithin = (due: Date, earliest: number) =>
  due.getTime() >= earliest && due.getTime() < earliest + 1500;

describe('workflow runner: timeouts', () => {
  it('fails a task-token state with States.Timeout after TimeoutSeconds, caught by its Catch', async () => {
    const { runner } = runnerFor('shipping', { requestShipment: () => null, awaitDelivery: () => null });
    onTestFinished(() => runner.stop());
    const startedAt = Date.now();
    await runner.port.startExecution({
      stateMachine: 'orderLifecycle',
      name: 'order-1',
      input: { orderId: 'order-1' },
    });
    const task = await runner.waitForTaskToken('order-1', 'AwaitShipment');
    assert.ok(task.timeoutAt && dueWithin(task.timeoutAt, startedAt + 1000));

    const done = await runner.waitForExecution('order-1');
    const elapsed = Date.now() - startedAt;
    assert.ok(elapsed >= 1000 && elapsed < 4000, `timed out after ${elapsed} ms`);
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(done.output, {
      orderId: 'order-1',
      error: { Error: 'States.Timeout', Cause: 'States.Timeout' },
      shipment: 'late',
    });
    // A late answer, after the state timed out, is refused as AWS refuses it.
    await assert.rejects(runner.port.sendTaskSuccess(task.token, { carrier: 'DHL' }), TaskTokenInvalidError);
  });

  it('waits out a 30-day TimeoutSeconds, longer than a Node timer can run', async () => {
    const { runner } = runnerFor('shipping', { requestShipment: () => null, awaitDelivery: () => null });
    onTestFinished(() => runner.stop());
    await runner.port.startExecution({
      stateMachine: 'orderLifecycle',
      name: 'order-2',
      input: { orderId: 'order-2' },
    });
    const shipment = await runner.waitForTaskToken('order-2', 'AwaitShipment');
    await runner.port.sendTaskSuccess(shipment.token, { carrier: 'DHL' });
    const delivery = await runner.waitForTaskToken('order-2', 'AwaitDelivery');
    const thirtyDays = 2_592_000_000;
    assert.ok(delivery.timeoutAt && Math.abs(delivery.timeoutAt.getTime() - Date.now() - thirtyDays) < 5000);

    await sleep(50);
    assert.equal(runner.execution('order-2')?.status, 'RUNNING');
    await runner.port.sendTaskSuccess(delivery.token, { deliveredAt: '2026-01-02T03:04:05Z' });
    const done = await runner.waitForExecution('order-2');
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(done.output, {
      orderId: 'order-2',
      shipment: { carrier: 'DHL' },
      delivery: { deliveredAt: '2026-01-02T03:04:05Z' },
    });
  });

  it('reads TimeoutSecondsPath from the state input (before Parameters), and States.TaskFailed does not catch the timeout', async () => {
    const { runner } = runnerFor('approval', { notify: () => null });
    onTestFinished(() => runner.stop());
    const startedAt = Date.now();
    await runner.port.startExecution({
      stateMachine: 'orderLifecycle',
      name: 'order-3',
      input: { orderId: 'order-3', slaSeconds: 1 },
    });
    const task = await runner.waitForTaskToken('order-3');
    assert.ok(task.timeoutAt && dueWithin(task.timeoutAt, startedAt + 1000));
    const done = await runner.waitForExecution('order-3');
    assert.ok(Date.now() - startedAt >= 1000);
    // The Catch lists States.TaskFailed before States.Timeout: as in AWS, only the latter matches.
    assert.deepEqual(done.output, { outcome: 'escalated', error: 'States.Timeout' });
    await assert.rejects(
      runner.port.sendTaskSuccess(task.token, { outcome: 'approved' }),
      TaskTokenInvalidError,
    );
  });

  it('fails the execution with States.Runtime when TimeoutSecondsPath selects no positive integer', async () => {
    const { runner, calls } = runnerFor('approval', { notify: () => null });
    onTestFinished(() => runner.stop());
    for (const [i, slaSeconds] of [1.5, 0, -5, '10', null].entries()) {
      const name = `order-4-${i}`;
      await runner.port.startExecution({
        stateMachine: 'orderLifecycle',
        name,
        input: { orderId: name, slaSeconds },
      });
      const done = await runner.waitForExecution(name);
      assert.deepEqual([done.status, done.error], ['FAILED', 'States.Runtime'], JSON.stringify(slaSeconds));
      assert.equal(
        done.cause,
        `TimeoutSecondsPath of "AwaitApproval" must select a positive integer, got ${JSON.stringify(slaSeconds)}`,
      );
    }
    assert.equal(calls.length, 0);
  });

  it('times the execution out after its top-level TimeoutSeconds; its token dies with it', async () => {
    const { runner } = runnerFor('execution-timeout', { signal: () => null });
    onTestFinished(() => runner.stop());
    await runner.port.startExecution({ stateMachine: 'orderLifecycle', name: 'order-5', input: {} });
    const task = await runner.waitForTaskToken('order-5');
    // No TimeoutSeconds on the task: AWS's default (99999999 s), not the library's 60 s.
    assert.equal(task.timeoutAt, undefined);
    const done = await runner.waitForExecution('order-5');
    assert.equal(done.status, 'TIMED_OUT');
    assert.equal(done.error, 'States.Timeout');
    await assert.rejects(runner.port.sendTaskSuccess(task.token, {}), TaskTokenInvalidError);
  });
});
