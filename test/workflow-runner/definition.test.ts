import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { DefinitionError, loadDefinition, prepareDefinition } from '../../local/workflow/definition';
import { fixture, functionArn } from './fakes';

const FN = functionArn('fn');

const invoke = (extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: FN, Payload: {} },
  End: true,
  ...extra,
});

const rejects = (definition: unknown, problem: RegExp) =>
  assert.throws(
    () => prepareDefinition('test.asl.json', definition as never),
    (error: Error) => error instanceof DefinitionError && problem.test(error.message),
  );

describe('workflow runner: loading definitions', () => {
  it('substitutes the file’s placeholders and refuses a file with one left unfilled', () => {
    const loaded = loadDefinition(fixture('invoke'), {
      DescribeFunctionArn: functionArn('describe'),
      SummariseFunctionArn: functionArn('summarise'),
    });
    assert.equal(loaded.tasks.get('Summarise')?.resource, functionArn('summarise'));
    assert.equal(loaded.tasks.get('Describe')?.kind, 'lambdaInvoke');
    assert.throws(
      () => loadDefinition(fixture('invoke'), { DescribeFunctionArn: functionArn('describe') }),
      /no substitution for \$\{SummariseFunctionArn\}/,
    );
  });

  it('refuses JSONata and the fields only JSONata or variables use, which the library would ignore', () => {
    rejects(
      { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
      /JSONPath only/,
    );
    rejects(
      {
        StartAt: 'A',
        States: { A: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% 1 %}', End: true } },
      },
      /JSONPath only/,
    );
    rejects({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { x: 1 }, End: true } } }, /uses Assign/);
  });

  it('refuses resources it cannot run locally', () => {
    rejects(
      {
        StartAt: 'A',
        States: {
          A: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: { QueueUrl: 'q', 'MessageBody.$': '$$.Task.Token' },
            End: true,
          },
        },
      },
      /supports lambda:invoke/,
    );
  });

  it('requires $$.Task.Token in a waitForTaskToken task and nowhere else', () => {
    rejects(
      {
        StartAt: 'A',
        States: {
          A: { ...invoke(), Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken' },
        },
      },
      /never passes \$\$\.Task\.Token/,
    );
    rejects(
      {
        StartAt: 'A',
        States: { A: invoke({ Parameters: { FunctionName: FN, Payload: { 't.$': '$$.Task.Token' } } }) },
      },
      /not a \.waitForTaskToken task/,
    );
  });

  it('hands the library a copy whose task timeouts the runner owns', () => {
    const prepared = prepareDefinition('test.asl.json', {
      TimeoutSeconds: 600,
      StartAt: 'A',
      States: {
        A: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: FN, Payload: {} },
          TimeoutSecondsPath: '$.sla',
          Next: 'B',
        },
        B: invoke({ TimeoutSeconds: 2_592_000 }) as never,
      },
    });
    assert.equal(prepared.executionTimeoutSeconds, 600);
    assert.equal(prepared.runnable.TimeoutSeconds, undefined);
    assert.deepEqual(prepared.tasks.get('A'), {
      stateName: 'A',
      kind: 'lambdaInvoke',
      resource: 'arn:aws:states:::lambda:invoke',
      timeoutSeconds: undefined,
      timeoutFromInput: true,
    });
    assert.equal(prepared.tasks.get('B')?.timeoutSeconds, 2_592_000);
    const runnableB = prepared.runnable.States.B as { TimeoutSeconds?: number };
    assert.ok((runnableB.TimeoutSeconds ?? 0) < 2 ** 31 / 1000, 'within what a Node timer can hold');
    // The source keeps what was written.
    assert.equal((prepared.source.States.B as { TimeoutSeconds?: number }).TimeoutSeconds, 2_592_000);
  });
});
