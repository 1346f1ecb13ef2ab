import { createHook } from 'node:async_hooks';
import { fileURLToPath } from 'node:url';
import { createWorkflowRunner, type WorkflowRunner } from '../../local/workflow/runner';

/** In-memory task functions for the runner's tests: no DynamoDB, no manifest. */

export type FakeFunction = (payload: any) => unknown;

export interface FakeCall {
  functionName: string;
  payload: any;
}

export const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/workflow/${name}.asl.json`, import.meta.url));

export const functionArn = (name: string) => `arn:aws:lambda:local:000000000000:function:${name}`;

export function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * A runner over one fixture, registered as `orderLifecycle`. Each fake `x` fills the fixture's
 * `${XFunctionArn}` placeholder with its ARN; `calls` records every invocation.
 */
export function runnerFor(
  fixtureName: string,
  functions: Record<string, FakeFunction>,
  options: { retryIntervalScale?: number } = {},
): { runner: WorkflowRunner; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  const substitutions = Object.fromEntries(
    Object.keys(functions).map((name) => [
      `${name[0]?.toUpperCase()}${name.slice(1)}FunctionArn`,
      functionArn(name),
    ]),
  );
  const runner = createWorkflowRunner({
    definitions: { orderLifecycle: { file: fixture(fixtureName), substitutions } },
    invokeFunction: async (arnOrName, payload) => {
      const functionName = arnOrName.split(':function:').pop()?.split(':')[0] ?? arnOrName;
      calls.push({ functionName, payload });
      const fake = functions[functionName];
      if (!fake) throw namedError('ResourceNotFoundException', `Function not found: ${arnOrName}`);
      return fake(payload);
    },
    ...options,
  });
  return { runner, calls };
}

/**
 * Counts the timers (setTimeout/setInterval) created from now on that are still pending: the
 * test runner's own timers come and go meanwhile and must not be counted.
 */
export function trackTimers(): { pending(): number; stop(): void } {
  const live = new Set<number>();
  const hook = createHook({
    init(id, type) {
      if (type === 'Timeout') live.add(id);
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  return { pending: () => live.size, stop: () => hook.disable() };
}
