import assert from 'node:assert/strict';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterAll, describe, it, onTestFinished } from 'vitest';
import { functionName, functions } from '../../functions/manifest';
import { awsWorkflowPort } from '../../functions/shared/workflow/aws-adapter';
import { type StateMachineId, TaskTokenInvalidError } from '../../functions/shared/workflow/port';
import { accessKeyOf } from '../../local/aws-json';
import { localStateMachineArn, startStepFunctionsEndpoint } from '../../local/stepfunctions/endpoint';
import { runnerFor } from '../workflow-runner/fakes';

/**
 * The twin's Step Functions endpoint, called with the real SDK client as the functions call it:
 * AWS's wire protocol and error names, and local IAM by the caller's access key — what a
 * function may ask of the workflow is what its manifest entry lists.
 */
const { runner } = runnerFor('approval', { notify: () => null });
const endpoint = await startStepFunctionsEndpoint({
  runner,
  functions,
  functionNameOf: functionName,
  ownerOf: (token) =>
    runner.pendingTasks().find((task) => task.token === token)?.stateMachine as StateMachineId | undefined,
});
afterAll(async () => {
  await endpoint.close();
  await runner.stop();
});

const as = (caller: string) =>
  new SFNClient({
    endpoint: endpoint.url,
    region: 'local',
    credentials: { accessKeyId: caller, secretAccessKey: 'local' },
    maxAttempts: 1,
  });
const stateMachineArn = localStateMachineArn('orderLifecycle');
const denied = (error: Error) => error.name === 'AccessDeniedException';
const start = (caller: string, name: string, input: unknown = { orderId: name, slaSeconds: 60 }) =>
  as(caller).send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));

describe('local IAM and the Step Functions API of the twin', () => {
  it('lets a function call exactly the actions its manifest entry lists', async () => {
    const started = await start(accessKeyOf('createOrder'), 'o1');
    assert.equal(started.executionArn, 'arn:aws:states:local:000000000000:execution:orderLifecycle:o1');
    const first = await runner.waitForTaskToken('o1', 'AwaitApproval');
    await as(accessKeyOf('awaitApproval')).send(
      new SendTaskSuccessCommand({ taskToken: first.token, output: JSON.stringify({ approved: true }) }),
    );

    await start(accessKeyOf('createOrder'), 'o2');
    const second = await runner.waitForTaskToken('o2', 'AwaitApproval');
    await assert.rejects(
      as(accessKeyOf('awaitDelivery')).send(
        new SendTaskFailureCommand({ taskToken: second.token, error: 'X', cause: 'y' }),
      ),
      (error: Error) => denied(error) && /awaitDelivery .* states:SendTaskFailure/.test(error.message),
    );
    await assert.rejects(
      as(accessKeyOf('advanceOrder')).send(
        new SendTaskSuccessCommand({ taskToken: second.token, output: '{}' }),
      ),
      denied,
    );
    await assert.rejects(start(accessKeyOf('approveOrder'), 'o3'), denied);
    assert.equal(runner.execution('o3'), undefined, 'a denied call never reaches the runner');
    assert.equal(runner.pendingTasks().length, 1, 'the denied answers left the token pending');
  });

  it('answers as AWS does: an answered token times out, a name is taken, an execution is described', async () => {
    await start(accessKeyOf('createOrder'), 'o4');
    const task = await runner.waitForTaskToken('o4', 'AwaitApproval');
    const approver = as(accessKeyOf('awaitApproval'));
    await approver.send(new SendTaskSuccessCommand({ taskToken: task.token, output: '{}' }));
    await assert.rejects(
      approver.send(new SendTaskSuccessCommand({ taskToken: task.token, output: '{}' })),
      (error: Error) => error instanceof TaskTimedOut && error.message === 'Task Timed Out',
    );

    await start(accessKeyOf('createOrder'), 'o5');
    const again = await start(accessKeyOf('createOrder'), 'o5');
    assert.match(again.executionArn ?? '', /:o5$/, 'the same name and input while running is idempotent');
    await assert.rejects(start(accessKeyOf('createOrder'), 'o5', { other: true }), ExecutionAlreadyExists);

    const described = await as('local').send(
      new DescribeExecutionCommand({ executionArn: again.executionArn }),
    );
    assert.equal(described.status, 'RUNNING');
    assert.deepEqual(JSON.parse(described.input ?? ''), { orderId: 'o5', slaSeconds: 60 });

    // The reconciler may describe executions; whether one exists is said only to who may ask.
    const missing = again.executionArn?.replace(/:o5$/, ':never-started') ?? '';
    await assert.rejects(
      as(accessKeyOf('reconcileOrders')).send(new DescribeExecutionCommand({ executionArn: missing })),
      ExecutionDoesNotExist,
    );
    await assert.rejects(
      as(accessKeyOf('createOrder')).send(new DescribeExecutionCommand({ executionArn: missing })),
      (error: Error) => error.name === 'AccessDeniedException',
    );
    await assert.rejects(
      as('local').send(new DescribeExecutionCommand({ executionArn: 'not-an-execution-arn' })),
      ExecutionDoesNotExist,
    );
  });

  it('starts an execution without input on {}, and refuses input that is not JSON as AWS does', async () => {
    const bare = await as('local').send(new StartExecutionCommand({ stateMachineArn, name: 'no-input' }));
    const described = await as('local').send(
      new DescribeExecutionCommand({ executionArn: bare.executionArn }),
    );
    assert.equal(described.input, '{}');
    await runner.waitForExecution('no-input');

    await assert.rejects(
      as('local').send(new StartExecutionCommand({ stateMachineArn, name: 'bad-input', input: '{not json' })),
      (error: Error) => {
        assert.equal(error.name, 'InvalidExecutionInput');
        assert.equal(error.message, 'input is not valid JSON');
        return true;
      },
    );
    assert.equal(runner.execution('bad-input'), undefined, 'a refused input starts nothing');
  });

  it('does not restrict callers that are not functions (the twin itself, tests)', async () => {
    await start('local', 'resumed');
    const task = await runner.waitForTaskToken('resumed', 'AwaitApproval');
    await as('local').send(
      new SendTaskFailureCommand({ taskToken: task.token, error: 'OrderCancelled', cause: 'c' }),
    );
    assert.equal((await runner.waitForExecution('resumed')).status, 'SUCCEEDED');
  });

  it('serves the functions’ own AWS adapter, reached through AWS_ENDPOINT_URL_SFN as in the twin', async () => {
    // No stub: the adapter builds its SFNClient from the environment, as in Lambda, and the real
    // SDK talks to this endpoint (the twin gives its functions exactly these two variables).
    const saved = {
      AWS_ENDPOINT_URL_SFN: process.env.AWS_ENDPOINT_URL_SFN,
      ORDER_LIFECYCLE_STATE_MACHINE_ARN: process.env.ORDER_LIFECYCLE_STATE_MACHINE_ARN,
    };
    process.env.AWS_ENDPOINT_URL_SFN = endpoint.url;
    process.env.ORDER_LIFECYCLE_STATE_MACHINE_ARN = stateMachineArn;
    onTestFinished(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });
    const port = awsWorkflowPort();
    const input = { orderId: 'adapter', slaSeconds: 60 };
    const executionArn = 'arn:aws:states:local:000000000000:execution:orderLifecycle:adapter';

    const started = await port.startExecution({ stateMachine: 'orderLifecycle', name: 'adapter', input });
    assert.deepEqual(started, { executionArn, alreadyStarted: false });
    assert.deepEqual(runner.execution('adapter')?.input, input);
    const again = await port.startExecution({ stateMachine: 'orderLifecycle', name: 'adapter', input: {} });
    assert.deepEqual(again, { executionArn, alreadyStarted: true });
    assert.equal(
      await port.describeExecution({ stateMachine: 'orderLifecycle', name: 'adapter' }),
      'RUNNING',
    );
    assert.equal(await port.describeExecution({ stateMachine: 'orderLifecycle', name: 'nobody' }), undefined);

    const task = await runner.waitForTaskToken('adapter', 'AwaitApproval');
    await port.sendTaskSuccess(task.token, { approved: true });
    await assert.rejects(port.sendTaskSuccess(task.token, {}), TaskTokenInvalidError);
  });
});
