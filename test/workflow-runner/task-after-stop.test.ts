import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { loadDefinition } from '../../local/workflow/definition';
import { taskHandlers } from '../../local/workflow/tasks';
import { createTaskTokens } from '../../local/workflow/tokens';
import { fixture, functionArn } from './fakes';

/**
 * The task handlers the runner gives the library, called directly: the library may still enter a
 * Task state in the moment after the execution was stopped (a state that ended as the stop came),
 * and such an attempt must fail as stopped without invoking its function. The runner's own tests
 * stop executions only while a task is in flight, so this moment is reached here.
 */
describe('workflow runner: a task attempted after its execution was stopped', () => {
  it('fails as ExecutionAborted and invokes nothing', async () => {
    const definition = loadDefinition(fixture('invoke'), {
      DescribeFunctionArn: functionArn('describe'),
      SummariseFunctionArn: functionArn('summarise'),
    });
    const controller = new AbortController();
    const invoked: string[] = [];
    const handlers = taskHandlers(
      definition,
      { stateMachine: 'm', executionName: 'e', signal: controller.signal },
      createTaskTokens(() => {}),
      async (name) => {
        invoked.push(name);
        return { ok: true };
      },
    );
    const describe = handlers.Describe as (input: unknown) => Promise<unknown>;
    // What the library hands a lambda:invoke Task: its Parameters, resolved.
    const parameters = { FunctionName: functionArn('describe'), Payload: { n: 1 } };
    // Before the stop the same handler runs its function.
    assert.deepEqual(await describe(parameters), {
      ExecutedVersion: '$LATEST',
      Payload: { ok: true },
      StatusCode: 200,
    });
    assert.deepEqual(invoked, [functionArn('describe')]);

    controller.abort();
    await assert.rejects(describe(parameters), {
      name: 'ExecutionAborted',
      message: 'The execution was stopped',
    });
    assert.equal(invoked.length, 1, 'no function ran after the stop');
  });
});
