import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { stateMachines, taskFunctions } from '../../functions/manifest';
import { NEXT_STEPS } from '../../functions/workflow/steps';

/** The order lifecycle's definition as a file: what both AWS and the local runner execute. */
const root = fileURLToPath(new URL('../../', import.meta.url));
const file = `${root}statemachines/order-lifecycle.asl.json`;
const text = readFileSync(file, 'utf8');
const definition = JSON.parse(text) as { States: Record<string, State> };
const states = Object.entries(definition.States);
const tasks = states.filter(([, s]) => s.Type === 'Task');

interface State {
  Type: string;
  Resource?: string;
  Next?: string;
  Default?: string;
  Choices?: { StringEquals?: string; Next: string }[];
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  [field: string]: unknown;
}

/** Where a JSONata query language (or a JSONata-only field) appears, anywhere in the document. */
function jsonataUses(node: unknown, path = '$'): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => jsonataUses(item, `${path}[${i}]`));
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => [
    ...(key === 'QueryLanguage' && value !== 'JSONPath' ? [`${path}.QueryLanguage = ${String(value)}`] : []),
    ...(['Assign', 'Arguments', 'Output'].includes(key) ? [`${path}.${key}`] : []),
    ...(typeof value === 'string' && /\{%.*%\}/s.test(value)
      ? [`${path}.${key} (a JSONata expression)`]
      : []),
    ...jsonataUses(value, `${path}.${key}`),
  ]);
}

describe('order lifecycle definition', () => {
  it('is valid for asl-validator, the tool AWS’s definition checks follow', async () => {
    const bin = `${root}node_modules/asl-validator/dist/bin/asl-validator.js`;
    const { stdout } = await promisify(execFile)(process.execPath, [bin, '--json-path', file]);
    assert.match(stdout, /is valid/);
  });

  it('is JSONPath only: no JSONata query language or JSONata-only field anywhere', () => {
    assert.deepEqual(jsonataUses(definition), []);
    assert.doesNotMatch(text, /jsonata/i);
    // The check itself finds JSONata wherever it is.
    const spoiled = structuredClone(definition) as unknown as Record<string, any>;
    spoiled.States.Route.QueryLanguage = 'JSONata';
    spoiled.States.Advance.Arguments = { orderId: '{% $states.input.orderId %}' };
    assert.deepEqual(jsonataUses(spoiled), [
      '$.States.Advance.Arguments',
      '$.States.Advance.Arguments.orderId (a JSONata expression)',
      '$.States.Route.QueryLanguage = JSONata',
    ]);
  });

  it('retries transient errors in every task and catches everything else into compensation', () => {
    for (const [name, state] of tasks) {
      const retried = (state.Retry ?? []).flatMap((r) => r.ErrorEquals);
      assert.ok(retried.includes('TransientError'), `${name} retries TransientError`);
      assert.ok(retried.includes('Lambda.ServiceException'), `${name} retries Lambda service errors`);
      const catchAll = state.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'));
      assert.equal(catchAll?.Next, name === 'Compensate' ? 'CompensationFailed' : 'Compensate', name);
    }
  });

  it('waits on task tokens with a timeout, and escalates an approval whose SLA ran out', () => {
    const waits = tasks.filter(([, s]) => s.Resource?.endsWith('.waitForTaskToken'));
    assert.deepEqual(
      waits.map(([name]) => name),
      ['AwaitApproval', 'RequestFulfilment', 'AwaitDelivery'],
    );
    for (const [name, state] of waits) {
      assert.ok(
        state.TimeoutSeconds !== undefined || state.TimeoutSecondsPath !== undefined,
        `${name} times out`,
      );
    }
    const approval = definition.States.AwaitApproval as State;
    assert.equal(approval.TimeoutSecondsPath, '$.slaRemainingSeconds');
    assert.equal(approval.Catch?.[0]?.ErrorEquals[0], 'States.Timeout');
    assert.equal(approval.Catch?.[0]?.Next, 'EscalateApproval');
    assert.deepEqual(approval.Catch?.find((c) => c.ErrorEquals.includes('ApprovalRejected'))?.Next, 'Done');
  });

  it('routes every step a task can return', () => {
    const route = definition.States.Route as State;
    const routed = (route.Choices ?? []).map((c) => c.StringEquals);
    assert.equal(route.Default, 'Done');
    assert.deepEqual(
      [...routed, 'done', 'needs-attention'].sort(),
      [...NEXT_STEPS].sort(),
      'Route handles each next step but needs-attention (Compensate’s own) and done (its default)',
    );
    const after = definition.States.AfterCompensation as State;
    assert.deepEqual(
      after.Choices?.map((c) => [c.StringEquals, c.Next]),
      [['done', 'Done']],
    );
    assert.equal(after.Default, 'NeedsAttention');
  });

  it('has exactly the task functions of the manifest, and those that answer tokens may do so', () => {
    const spec = stateMachines.find((m) => m.id === 'orderLifecycle');
    assert.equal(spec?.definitionFile, 'statemachines/order-lifecycle.asl.json');
    const placeholders = [...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    const ours = taskFunctions.filter((fn) => fn.stateMachine === 'orderLifecycle');
    assert.deepEqual([...new Set(placeholders)].sort(), ours.map((fn) => fn.definitionSubstitution).sort());
    for (const fn of ours) assert.ok(existsSync(`${root}${fn.entry}`), fn.entry);
    for (const [name, state] of tasks.filter(([, s]) => s.Resource?.endsWith('.waitForTaskToken'))) {
      const placeholder = JSON.stringify(state.Parameters).match(/\$\{(\w+)\}/)?.[1];
      const fn = ours.find((f) => f.definitionSubstitution === placeholder);
      assert.ok(
        fn?.workflow?.orderLifecycle?.includes('SendTaskSuccess'),
        `${name} may answer its own token`,
      );
    }
  });
});
