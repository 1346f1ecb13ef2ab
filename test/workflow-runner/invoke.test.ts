import assert from 'node:assert/strict';
import { describe, it, onTestFinished } from 'vitest';
import { namedError, runnerFor } from './fakes';

describe('workflow runner: Lambda tasks', () => {
  it('runs lambda:invoke with OutputPath on the Payload, then a plain Lambda ARN, with AWS context values', async () => {
    const { runner, calls } = runnerFor('invoke', {
      describe: (payload) => ({ orderId: payload.orderId, status: 'APPROVED' }),
      summarise: (order) => `${order.orderId} is ${order.status}`,
    });
    onTestFinished(() => runner.stop());

    const started = await runner.port.startExecution({
      stateMachine: 'orderLifecycle',
      name: 'order-1',
      input: { orderId: 'order-1' },
    });
    assert.deepEqual(started, {
      executionArn: 'arn:aws:states:local:000000000000:execution:orderLifecycle:order-1',
      alreadyStarted: false,
    });
    const done = await runner.waitForExecution('order-1');

    assert.equal(done.status, 'SUCCEEDED');
    assert.deepEqual(done.output, {
      orderId: 'order-1',
      status: 'APPROVED',
      summary: 'order-1 is APPROVED',
    });
    const [describeCall, summariseCall] = calls;
    assert.equal(describeCall?.functionName, 'describe');
    assert.equal(describeCall?.payload.executionName, 'order-1');
    assert.equal(describeCall?.payload.executionId, started.executionArn);
    assert.deepEqual(describeCall?.payload.executionInput, { orderId: 'order-1' });
    assert.ok(!Number.isNaN(Date.parse(describeCall?.payload.startTime)));
    assert.equal(describeCall?.payload.stateMachineName, 'orderLifecycle');
    assert.equal(
      describeCall?.payload.stateMachineId,
      'arn:aws:states:local:000000000000:stateMachine:orderLifecycle',
    );
    // A plain Lambda ARN resource gets the state input and returns its result as is (no Payload wrapper).
    assert.deepEqual(summariseCall?.payload, { orderId: 'order-1', status: 'APPROVED' });
  });

  it('counts one transition per state entered', async () => {
    const { runner } = runnerFor('invoke', { describe: () => ({}), summarise: () => null });
    onTestFinished(() => runner.stop());
    await runner.port.startExecution({
      stateMachine: 'orderLifecycle',
      name: 'order-2',
      input: { orderId: 'x' },
    });
    const done = await runner.waitForExecution('order-2');
    const entered = done.events.filter((e) => e.type === 'StateEntered').map((e) => e.state.name);
    assert.deepEqual(entered, ['Describe', 'Summarise', 'Done']);
    assert.equal(done.transitions, 3);
  });

  it('fails the state with the thrown error’s name as Lambda’s errorType, and the execution with it', async () => {
    const { runner } = runnerFor('invoke', {
      describe: () => {
        throw namedError('OrderNotFound', 'No order order-3');
      },
      summarise: () => null,
    });
    onTestFinished(() => runner.stop());
    await runner.port.startExecution({
      stateMachine: 'orderLifecycle',
      name: 'order-3',
      input: { orderId: 'order-3' },
    });
    const done = await runner.waitForExecution('order-3');
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error, 'OrderNotFound');
    assert.deepEqual(JSON.parse(done.cause ?? ''), {
      errorType: 'OrderNotFound',
      errorMessage: 'No order order-3',
    });
  });

  it('fails the execution with States.Runtime, past any Catch, when lambda:invoke names no function', async () => {
    const { runner, calls } = runnerFor('no-function-name', {});
    onTestFinished(() => runner.stop());
    await runner.port.startExecution({ stateMachine: 'orderLifecycle', name: 'order-4', input: {} });
    const done = await runner.waitForExecution('order-4');
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error, 'States.Runtime');
    assert.equal(done.cause, 'Task "Describe" has no FunctionName in its Parameters');
    assert.deepEqual(calls, []);
  });
});
