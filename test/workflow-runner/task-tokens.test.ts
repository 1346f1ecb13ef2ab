import assert from 'node:assert/strict';
import { describe, it, onTestFinished } from 'vitest';
import { TaskTokenInvalidError } from '../../functions/shared/workflow/port';
import { createTaskTokens } from '../../local/workflow/tokens';
import { namedError, runnerFor } from './fakes';

const start = (runner: ReturnType<typeof runnerFor>['runner'], name: string, input: unknown) =>
  runner.port.startExecution({ stateMachine: 'orderLifecycle', name, input });

describe('workflow runner: task tokens', () => {
  it('parks on a fresh token given to the function, and SendTaskSuccess’s output becomes the task result', async () => {
    const { runner, calls } = runnerFor('approval', { notify: () => ({ notified: true }) });
    onTestFinished(() => runner.stop());
    await start(runner, 'order-1', { orderId: 'order-1', slaSeconds: 3600 });

    const task = await runner.waitForTaskToken('order-1', 'AwaitApproval');
    assert.equal(task.stateName, 'AwaitApproval');
    assert.match(task.token, /^[\w-]{43}$/);
    assert.equal(calls[0]?.payload.taskToken, task.token);
    assert.equal(calls[0]?.payload.link, `https://approvals.example/decide?token=${task.token}`);
    assert.deepEqual(task.payload, calls[0]?.payload);
    assert.equal(runner.execution('order-1')?.status, 'RUNNING');
    assert.deepEqual(
      runner.pendingTasks().map((p) => [p.executionName, p.stateName, p.token]),
      [['order-1', 'AwaitApproval', task.token]],
    );

    await runner.port.sendTaskSuccess(task.token, { outcome: 'approved', by: 'ann' });
    const done = await runner.waitForExecution('order-1');
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(done.output, {
      orderId: 'order-1',
      slaSeconds: 3600,
      decision: { outcome: 'approved', by: 'ann' },
    });
    assert.deepEqual(runner.pendingTasks(), []);
    await assert.rejects(runner.port.sendTaskSuccess(task.token, {}), TaskTokenInvalidError);
  });

  it('fails the state with SendTaskFailure’s error name, which a Catch matches by name', async () => {
    const { runner } = runnerFor('approval', { notify: () => null });
    onTestFinished(() => runner.stop());
    await start(runner, 'order-2', { orderId: 'order-2', slaSeconds: 3600 });
    const task = await runner.waitForTaskToken('order-2');

    await runner.port.sendTaskFailure(task.token, 'OrderCancelled', 'Customer asked to cancel');
    const done = await runner.waitForExecution('order-2');
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(done.output, {
      outcome: 'cancelled',
      error: { Error: 'OrderCancelled', Cause: 'Customer asked to cancel' },
    });
    await assert.rejects(
      runner.port.sendTaskFailure(task.token, 'OrderCancelled', 'again'),
      TaskTokenInvalidError,
    );
  });

  it('lets States.TaskFailed catch an unnamed failure', async () => {
    const { runner } = runnerFor('approval', { notify: () => null });
    onTestFinished(() => runner.stop());
    await start(runner, 'order-3', { orderId: 'order-3', slaSeconds: 3600 });
    const task = await runner.waitForTaskToken('order-3');
    await runner.port.sendTaskFailure(task.token, 'PartnerFailed', 'Out of material');
    const done = await runner.waitForExecution('order-3');
    assert.deepEqual(done.output, {
      outcome: 'task-failed',
      error: { Error: 'PartnerFailed', Cause: 'Out of material' },
    });
  });

  it('mints a new token each time a loop enters the state; the earlier one is then rejected', async () => {
    const { runner, calls } = runnerFor('approval', { notify: () => null });
    onTestFinished(() => runner.stop());
    await start(runner, 'order-4', { orderId: 'order-4', slaSeconds: 3600 });

    const first = await runner.waitForTaskToken('order-4', 'AwaitApproval');
    await runner.port.sendTaskSuccess(first.token, { outcome: 'ask-again' });
    const second = await runner.waitForTaskToken('order-4', 'AwaitApproval');
    assert.notEqual(second.token, first.token);
    assert.deepEqual(
      calls.map((c) => c.payload.taskToken),
      [first.token, second.token],
    );
    await assert.rejects(
      runner.port.sendTaskSuccess(first.token, { outcome: 'approved' }),
      TaskTokenInvalidError,
    );
    assert.equal(runner.execution('order-4')?.status, 'RUNNING');

    await runner.port.sendTaskSuccess(second.token, { outcome: 'approved' });
    const done = await runner.waitForExecution('order-4');
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(done.output, {
      orderId: 'order-4',
      slaSeconds: 3600,
      decision: { outcome: 'approved' },
    });
    // AwaitApproval, Route, AwaitApproval, Route, Approved.
    assert.equal(done.transitions, 5);
  });

  it('rejects a token nobody minted', async () => {
    const { runner } = runnerFor('approval', { notify: () => null });
    onTestFinished(() => runner.stop());
    await assert.rejects(runner.port.sendTaskSuccess('not-a-token', {}), TaskTokenInvalidError);
  });

  it('accepts an answer given by the function itself before it returns', async () => {
    let runnerRef: ReturnType<typeof runnerFor>['runner'] | undefined;
    const { runner } = runnerFor('approval', {
      notify: async (payload) => {
        await runnerRef?.port.sendTaskSuccess(payload.taskToken, { outcome: 'auto' });
        return null;
      },
    });
    runnerRef = runner;
    onTestFinished(() => runner.stop());
    await start(runner, 'order-5', { orderId: 'order-5', slaSeconds: 3600 });
    const done = await runner.waitForExecution('order-5');
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual((done.output as any).decision, { outcome: 'auto' });
  });

  it('fails the task when its function throws, and the token dies with it', async () => {
    const { runner } = runnerFor('approval', {
      notify: () => {
        throw new Error('mail server down');
      },
    });
    onTestFinished(() => runner.stop());
    await start(runner, 'order-6', { orderId: 'order-6', slaSeconds: 3600 });
    const done = await runner.waitForExecution('order-6');
    assert.deepEqual(done.output, {
      outcome: 'task-failed',
      error: {
        Error: 'Error',
        Cause: JSON.stringify({ errorType: 'Error', errorMessage: 'mail server down' }),
      },
    });
    assert.deepEqual(runner.pendingTasks(), []);
  });

  it('gives every Map iteration its own token', async () => {
    const { runner } = runnerFor('map', { confirmLine: () => null });
    onTestFinished(() => runner.stop());
    await start(runner, 'order-7', { lines: [{ sku: 'A' }, { sku: 'B' }] });

    const deadline = Date.now() + 5000;
    while (runner.pendingTasks().length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    const tasks = runner.pendingTasks();
    assert.equal(tasks.length, 2);
    assert.notEqual(tasks[0]?.token, tasks[1]?.token);
    for (const task of tasks) {
      await runner.port.sendTaskSuccess(task.token, { confirmed: (task.payload as any).sku });
    }
    const done = await runner.waitForExecution('order-7');
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(done.output, [{ confirmed: 'A' }, { confirmed: 'B' }]);
    // ConfirmLines, then ConfirmLine once per item.
    assert.equal(done.transitions, 3);
  });
});

describe('the task tokens’ own record', () => {
  it('remembers every token minted only when asked to (tests look there); otherwise it keeps none', () => {
    const owner = { stateMachine: 'orderLifecycle', executionName: 'order-1', stateName: 'AwaitApproval' };
    const kept = createTaskTokens(() => {}, { keepMinted: true });
    const first = kept.mint(owner).token;
    const second = kept.mint(owner).token;
    assert.deepEqual(kept.minted(), [first, second]);

    // A long-running twin mints a token per wait, for as long as it runs: none is kept for nothing.
    const lean = createTaskTokens(() => {});
    lean.mint(owner);
    assert.deepEqual(lean.minted(), []);
  });

  it('tells its owner of every change to what waits, and of nothing else', () => {
    const owner = { stateMachine: 'orderLifecycle', executionName: 'order-1', stateName: 'AwaitApproval' };
    let changes = 0;
    const tokens = createTaskTokens(() => changes++);
    const changed = (what: () => void) => {
      const before = changes;
      what();
      return changes - before;
    };
    const a = tokens.mint(owner).token;
    const b = tokens.mint(owner).token;
    const c = tokens.mint({ ...owner, executionName: 'order-2' }).token;
    assert.equal(changes, 0, 'a minted token waits on nobody until its task is parked');
    assert.equal(
      changed(() => tokens.describe(a, { orderId: 'order-1' })),
      0,
    );
    assert.equal(
      changed(() => tokens.park(a)),
      1,
    );
    assert.equal(
      changed(() => tokens.park(a)),
      0,
      'parked once',
    );
    assert.equal(
      changed(() => tokens.answer(a, { ok: true, output: {} })),
      1,
    );
    assert.equal(
      changed(() => tokens.revoke(a)),
      0,
      'already answered: nothing changes',
    );
    assert.equal(
      changed(() => tokens.revoke(b)),
      1,
    );
    assert.equal(
      changed(() => tokens.revokeExecution('orderLifecycle', 'order-2')),
      1,
    );
    assert.deepEqual(tokens.parked(), []);
    tokens.mint(owner);
    assert.equal(
      changed(() => tokens.revokeAll()),
      1,
    );
    assert.throws(() => tokens.answer(c, { ok: true, output: {} }), { name: 'TaskTokenInvalidError' });
  });
});

describe('workflow runner: what a test waiting on a token is told', () => {
  it('refuses a task output Step Functions would refuse (over 256 KB); the token still waits for an answer', async () => {
    const { runner } = runnerFor('approval', { notify: () => null });
    onTestFinished(() => runner.stop());
    await start(runner, 'order-big', { orderId: 'order-big', slaSeconds: 3600 });
    const task = await runner.waitForTaskToken('order-big');

    await assert.rejects(runner.port.sendTaskSuccess(task.token, { blob: 'x'.repeat(262_144) }), {
      name: 'ValidationException',
      message: 'Task output exceeds 262144 bytes',
    });
    assert.deepEqual(
      runner.pendingTasks().map((p) => p.token),
      [task.token],
    );
    await runner.port.sendTaskSuccess(task.token, { outcome: 'approved' });
    assert.equal((await runner.waitForExecution('order-big')).status, 'SUCCEEDED');
  });

  it('says how the execution ended when it ended before waiting on a token', async () => {
    const { runner } = runnerFor('invoke', {
      describe: () => {
        throw namedError('Boom', 'the describer broke');
      },
      summarise: () => null,
    });
    onTestFinished(() => runner.stop());
    await start(runner, 'order-failed', { orderId: 'order-failed' });
    await runner.waitForExecution('order-failed');
    await assert.rejects(runner.waitForTaskToken('order-failed', 'AwaitApproval'), {
      message:
        'Execution order-failed ended FAILED (Boom: {"errorType":"Boom","errorMessage":"the describer broke"}) before waiting on a task token in AwaitApproval',
    });

    const caught = runnerFor('approval', {
      notify: () => {
        throw namedError('PartnerFailed', 'no route');
      },
    }).runner;
    onTestFinished(() => caught.stop());
    await start(caught, 'order-done', { orderId: 'order-done', slaSeconds: 3600 });
    assert.equal((await caught.waitForExecution('order-done')).status, 'SUCCEEDED');
    await assert.rejects(caught.waitForTaskToken('order-done'), {
      message: 'Execution order-done ended SUCCEEDED before waiting on a task token',
    });
  });
});
