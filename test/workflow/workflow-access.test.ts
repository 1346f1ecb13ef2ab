import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { type FunctionSpec, functionName, functions } from '../../functions/manifest';
import type { WorkflowPort } from '../../functions/shared/workflow/port';
import { currentInvocation } from '../../local/lambda-runtime';
import { localIamWorkflowPort } from '../../local/local-iam';

/** Local IAM for Step Functions: what a function may ask of the workflow is what its manifest entry lists. */
function recordingPort() {
  const calls: string[] = [];
  const port: WorkflowPort = {
    startExecution: async ({ name }) => {
      calls.push(`start ${name}`);
      return { executionArn: `arn:${name}`, alreadyStarted: false };
    },
    sendTaskSuccess: async (token) => {
      calls.push(`success ${token}`);
    },
    sendTaskFailure: async (token, error) => {
      calls.push(`failure ${token} ${error}`);
    },
  };
  return { port, calls };
}

const entry = (name: string): FunctionSpec => {
  const fn = functions.find((f) => functionName(f) === name);
  if (!fn) throw new Error(`no function ${name} in the manifest`);
  return fn;
};
const as = <T>(name: string, call: () => Promise<T>) =>
  currentInvocation.run({ fn: entry(name), name }, call);
const denied = (error: Error) => error.name === 'AccessDeniedException';

describe('local IAM: workflow access', () => {
  it('lets a function call exactly the actions its manifest entry lists', async () => {
    const { port, calls } = recordingPort();
    const guarded = localIamWorkflowPort(port, (token) =>
      token.startsWith('lifecycle-') ? 'orderLifecycle' : undefined,
    );

    await as('createOrder', () =>
      guarded.startExecution({ stateMachine: 'orderLifecycle', name: 'o1', input: {} }),
    );
    await as('awaitApproval', () => guarded.sendTaskSuccess('lifecycle-1', {}));
    await as('awaitApproval', () => guarded.sendTaskFailure('lifecycle-2', 'OrderCancelled', 'cancelled'));
    await as('awaitDelivery', () => guarded.sendTaskSuccess('unplaced-token', {}));
    assert.deepEqual(calls, [
      'start o1',
      'success lifecycle-1',
      'failure lifecycle-2 OrderCancelled',
      'success unplaced-token',
    ]);

    await assert.rejects(
      as('awaitDelivery', () => guarded.sendTaskFailure('lifecycle-3', 'X', 'y')),
      (error: Error) => denied(error) && /awaitDelivery .* states:SendTaskFailure/.test(error.message),
    );
    await assert.rejects(
      as('advanceOrder', () => guarded.sendTaskSuccess('lifecycle-4', {})),
      denied,
    );
    await assert.rejects(
      as('approveOrder', () =>
        guarded.startExecution({ stateMachine: 'orderLifecycle', name: 'o2', input: {} }),
      ),
      denied,
    );
    assert.equal(calls.length, 4, 'a denied call never reaches the runner');
  });

  it('does not restrict the twin itself or tests, which run outside any function', async () => {
    const { port, calls } = recordingPort();
    const guarded = localIamWorkflowPort(port, () => 'orderLifecycle');
    await guarded.startExecution({ stateMachine: 'orderLifecycle', name: 'resumed', input: {} });
    await guarded.sendTaskSuccess('t', {});
    assert.deepEqual(calls, ['start resumed', 'success t']);
  });
});
