import assert from 'node:assert/strict';
import { describe, it, onTestFinished } from 'vitest';
import { type StateMachineId, TaskTokenInvalidError } from '../../functions/shared/workflow/port';
import {
  createWorkflowRunner,
  type WorkflowRunnerOptions,
  whereExecutionIs,
} from '../../local/workflow/runner';
import { fixture, functionArn, namedError, runnerFor, trackTimers } from './fakes';

describe('workflow runner: executions', () => {
  it('runs one execution per name: a second start, same input or not, starts nothing', async () => {
    const { runner, calls } = runnerFor('invoke', { describe: () => ({}), summarise: () => null });
    onTestFinished(() => runner.stop());
    const args = { stateMachine: 'orderLifecycle', name: 'order-1', input: { orderId: 'order-1' } } as const;

    const [first, second] = await Promise.all([
      runner.port.startExecution(args),
      runner.port.startExecution(args),
    ]);
    assert.equal(first.alreadyStarted, false);
    assert.deepEqual(second, { executionArn: first.executionArn, alreadyStarted: true });
    await runner.waitForExecution('order-1');
    const again = await runner.port.startExecution({ ...args, input: { orderId: 'something else' } });
    assert.deepEqual(again, { executionArn: first.executionArn, alreadyStarted: true });

    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(calls.filter((c) => c.functionName === 'describe').length, 1);
    assert.equal(runner.executions().length, 1);
  });

  it('refuses names StartExecution refuses', async () => {
    const { runner } = runnerFor('invoke', { describe: () => ({}), summarise: () => null });
    onTestFinished(() => runner.stop());
    for (const name of ['', 'has space', 'a/b', 'x'.repeat(81)]) {
      await assert.rejects(
        runner.port.startExecution({ stateMachine: 'orderLifecycle', name, input: {} }),
        (error: Error) => error.name === 'InvalidName' && error.message === `Invalid execution name: ${name}`,
      );
    }
  });

  it('retries a transient error after the scaled interval, then succeeds; retries count as transitions', async () => {
    let attempts = 0;
    const { runner } = runnerFor(
      'retry',
      {
        reserve: (order) => {
          attempts += 1;
          if (attempts < 3) throw namedError('TransientError', `attempt ${attempts}`);
          return { reserved: order.sku };
        },
      },
      { retryIntervalScale: 0.01 },
    );
    onTestFinished(() => runner.stop());
    const startedAt = Date.now();
    await runner.port.startExecution({
      stateMachine: 'orderLifecycle',
      name: 'order-2',
      input: { sku: 'A' },
    });
    const done = await runner.waitForExecution('order-2');
    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(done.output, { reserved: 'A' });
    assert.equal(attempts, 3);
    // Unscaled, the two back-offs alone would take 1 s + 2 s.
    assert.ok(Date.now() - startedAt < 2500, 'the intervals were scaled down');
    // Reserve entered once, retried twice: Step Functions bills the retries too.
    assert.equal(done.transitions, 3);
    assert.deepEqual(
      done.events.filter((e) => e.type === 'StateRetried').map((e) => e.retry.attempt),
      [1, 2],
    );
  });

  it('gives up after MaxAttempts and fails with the last error', async () => {
    const { runner } = runnerFor(
      'retry',
      {
        reserve: () => {
          throw namedError('TransientError', 'still down');
        },
      },
      { retryIntervalScale: 0.01 },
    );
    onTestFinished(() => runner.stop());
    await runner.port.startExecution({ stateMachine: 'orderLifecycle', name: 'order-3', input: {} });
    const done = await runner.waitForExecution('order-3');
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error, 'TransientError');
    assert.equal(done.transitions, 4);
  });

  it('stop() aborts waiting executions, invalidates their tokens and leaves no timer running', async () => {
    const timers = trackTimers();
    onTestFinished(() => timers.stop());
    const { runner } = runnerFor('parallel', {
      signal: () => null,
      slow: () => new Promise(() => {}),
      flaky: () => {
        throw namedError('TransientError', 'try again in an hour');
      },
    });
    await runner.port.startExecution({ stateMachine: 'orderLifecycle', name: 'order-4', input: {} });
    await runner.port.startExecution({ stateMachine: 'orderLifecycle', name: 'order-5', input: {} });
    const task = await runner.waitForTaskToken('order-4', 'AwaitSignal');
    await runner.waitForTaskToken('order-5', 'AwaitSignal');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(timers.pending() > 0);

    await runner.stop();

    assert.deepEqual(
      runner.executions().map((e) => e.status),
      ['ABORTED', 'ABORTED'],
    );
    assert.deepEqual(runner.pendingTasks(), []);
    await assert.rejects(runner.port.sendTaskSuccess(task.token, {}), TaskTokenInvalidError);
    await assert.rejects(
      runner.port.startExecution({ stateMachine: 'orderLifecycle', name: 'order-6', input: {} }),
      /stopped/,
    );
    assert.equal(timers.pending(), 0, 'a timer outlived stop()');
  });

  it('DescribeExecution gives an execution’s status by machine and name, and nothing for one never started', async () => {
    const { runner } = runnerFor('approval', { notify: () => null });
    onTestFinished(() => runner.stop());
    const id = { stateMachine: 'orderLifecycle' as const, name: 'order-8' };
    await runner.port.startExecution({ ...id, input: { orderId: 'order-8', slaSeconds: 3600 } });
    await runner.waitForTaskToken('order-8', 'AwaitApproval');
    assert.equal(await runner.port.describeExecution(id), 'RUNNING');
    assert.equal(await runner.port.describeExecution({ ...id, name: 'order-9' }), undefined);
  });

  it('stop() also ends an execution that was started but had not run yet', async () => {
    const { runner, calls } = runnerFor('invoke', { describe: () => ({}), summarise: () => null });
    await runner.port.startExecution({ stateMachine: 'orderLifecycle', name: 'order-7', input: {} });
    await runner.stop();
    assert.equal(runner.execution('order-7')?.status, 'ABORTED');
    assert.equal(calls.length, 0);
  });
});

describe('workflow runner: finding executions', () => {
  it('asks which state machine when two hold an execution of the same name', async () => {
    // The runner takes any number of machines; Orderly has one today, so the second id is cast.
    const source = {
      file: fixture('invoke'),
      substitutions: {
        DescribeFunctionArn: functionArn('describe'),
        SummariseFunctionArn: functionArn('summarise'),
      },
    };
    const runner = createWorkflowRunner({
      definitions: { orderLifecycle: source, returns: source } as WorkflowRunnerOptions['definitions'],
      invokeFunction: async () => ({}),
    });
    onTestFinished(() => runner.stop());
    const returns = 'returns' as StateMachineId;
    await runner.port.startExecution({
      stateMachine: 'orderLifecycle',
      name: 'twice',
      input: { orderId: 'o' },
    });
    await runner.port.startExecution({ stateMachine: returns, name: 'twice', input: { orderId: 'o' } });

    assert.throws(
      () => runner.execution('twice'),
      (error: Error) => error.message === 'Executions named twice exist in several state machines; say which',
    );
    assert.equal(
      runner.execution('twice', returns)?.executionArn,
      'arn:aws:states:local:000000000000:execution:returns:twice',
    );
    // Named, each is found: the wait resolves with that machine's execution.
    const done = await runner.waitForExecution('twice', undefined, returns);
    assert.equal(done.stateMachine, returns);
    assert.equal(done.status, 'SUCCEEDED');
  });

  it('says where an execution is: not started, started before its first state, or in the state it last entered', () => {
    assert.equal(whereExecutionIs(undefined), 'not started');
    assert.equal(whereExecutionIs({ status: 'RUNNING' }), 'RUNNING');
    assert.equal(
      whereExecutionIs({ status: 'FAILED', currentState: 'ReserveStock' }),
      'FAILED in ReserveStock',
    );
  });

  it('a wait that gives up says what it waited for and where the execution is', async () => {
    const { runner } = runnerFor('approval', { notify: () => null });
    onTestFinished(() => runner.stop());
    await assert.rejects(runner.waitForExecution('never-started', 10), {
      message: 'Timed out after 10 ms waiting for execution never-started to end (it is not started)',
    });
    await runner.port.startExecution({
      stateMachine: 'orderLifecycle',
      name: 'parked',
      input: { orderId: 'parked', slaSeconds: 3600 },
    });
    await runner.waitForTaskToken('parked', 'AwaitApproval');
    await assert.rejects(runner.waitForExecution('parked', 10), {
      message: 'Timed out after 10 ms waiting for execution parked to end (it is RUNNING in AwaitApproval)',
    });
  });
});
