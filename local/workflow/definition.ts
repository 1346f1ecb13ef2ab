import { readFileSync } from 'node:fs';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { MAX_TIMER_SECONDS } from './timers';

/**
 * Loads an ASL file for the local runner: substitutes `${Name}` placeholders as the CDK's
 * definition substitutions do, refuses what the library would silently get wrong, and prepares
 * the copy the library runs, in which the runner (not the library) owns every task timeout.
 */

/** What the library sees as `$$.Task.Token`; the runner swaps it for a fresh token per task. */
export const TASK_TOKEN_PLACEHOLDER = '<local-runner-task-token>';
/** Keys the runner adds to a task's Parameters to carry `TimeoutSecondsPath` (see `prepareTask`). */
export const WRAPPED_INPUT = '__localRunnerInput';
export const WRAPPED_TIMEOUT = '__localRunnerTimeoutSeconds';
/** Step Functions' own default when a Task sets no timeout (the library would use 60 s). */
export const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

export type TaskKind = 'lambdaInvoke' | 'lambdaInvokeWaitForTaskToken' | 'lambdaArn';

export interface TaskSpec {
  stateName: string;
  kind: TaskKind;
  resource: string;
  /** Static `TimeoutSeconds`; absent when the state has none or reads `TimeoutSecondsPath`. */
  timeoutSeconds?: number;
  /** True when the timeout arrives in the wrapped input (from `TimeoutSecondsPath`). */
  timeoutFromInput: boolean;
}

export interface PreparedDefinition {
  file: string;
  /** The definition as written (after substitutions). */
  source: StateMachineDefinition;
  /** The copy the library runs. */
  runnable: StateMachineDefinition;
  /** Every Task state, nested ones included, by name (names are unique machine-wide). */
  tasks: ReadonlyMap<string, TaskSpec>;
  /** `IntervalSeconds` of each retrier, per state that has `Retry`. */
  retryIntervals: ReadonlyMap<string, number[]>;
  /** The top-level `TimeoutSeconds`, enforced by the runner. */
  executionTimeoutSeconds?: number;
}

export class DefinitionError extends Error {
  constructor(file: string, problems: string[]) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'DefinitionError';
  }
}

export function loadDefinition(file: string, substitutions: Record<string, string> = {}): PreparedDefinition {
  const problems: string[] = [];
  const text = readFileSync(file, 'utf8').replace(/\$\{([^}]+)\}/g, (match, key: string) => {
    const value = substitutions[key];
    if (value === undefined) problems.push(`no substitution for \${${key}}`);
    return value ?? match;
  });
  if (problems.length) throw new DefinitionError(file, problems);
  let source: StateMachineDefinition;
  try {
    source = JSON.parse(text) as StateMachineDefinition;
  } catch (error) {
    throw new DefinitionError(file, [`not JSON after substitution: ${(error as Error).message}`]);
  }
  return prepareDefinition(file, source);
}

export function prepareDefinition(file: string, source: StateMachineDefinition): PreparedDefinition {
  try {
    // The library validates with asl-validator (ARNs and paths included) when it is constructed.
    new StateMachine(source);
  } catch (error) {
    throw new DefinitionError(file, [(error as Error).message]);
  }
  const runnable = structuredClone(source) as StateMachineDefinition & Record<string, unknown>;
  const problems: string[] = [];
  const tasks = new Map<string, TaskSpec>();
  const retryIntervals = new Map<string, number[]>();
  const seen = new Set<string>();

  checkQueryLanguage('the definition', runnable, problems);
  const executionTimeoutSeconds = runnable.TimeoutSeconds;
  delete runnable.TimeoutSeconds;

  const walk = (states: Record<string, Record<string, unknown>>) => {
    for (const [name, state] of Object.entries(states)) {
      if (seen.has(name)) problems.push(`state name "${name}" is used twice (overrides are keyed by name)`);
      seen.add(name);
      checkQueryLanguage(`state "${name}"`, state, problems);
      for (const field of UNSUPPORTED_FIELDS) {
        if (field in state)
          problems.push(`state "${name}" uses ${field}, which the local runner would ignore`);
      }
      if (mentionsTaskToken(ownFields(state)) && state.Resource !== WAIT_FOR_TOKEN) {
        problems.push(`state "${name}" reads $$.Task.Token but is not a .waitForTaskToken task`);
      }
      if (Array.isArray(state.Retry)) {
        retryIntervals.set(
          name,
          (state.Retry as { IntervalSeconds?: number }[]).map((r) => r.IntervalSeconds ?? 1),
        );
      }
      if (state.Type === 'Wait' && typeof state.Seconds === 'number' && state.Seconds > MAX_TIMER_SECONDS) {
        problems.push(
          `Wait state "${name}" waits longer than ${MAX_TIMER_SECONDS} s, which Node's timers cannot`,
        );
      }
      if (state.Type === 'Task') {
        const spec = prepareTask(name, state, problems);
        if (spec) tasks.set(name, spec);
      }
      if (state.Type === 'Map') {
        const processor = (state.ItemProcessor ?? state.Iterator) as { States: never } | undefined;
        if (processor) walk(processor.States);
      }
      if (state.Type === 'Parallel') {
        for (const branch of state.Branches as { States: never }[]) walk(branch.States);
      }
    }
  };
  walk(runnable.States as unknown as Record<string, Record<string, unknown>>);
  if (problems.length) throw new DefinitionError(file, problems);
  return { file, source, runnable, tasks, retryIntervals, executionTimeoutSeconds };
}

const WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/;

/** JSONata-only or distributed-Map fields: aws-local-stepfunctions runs JSONPath and ignores these. */
const UNSUPPORTED_FIELDS = [
  'Assign',
  'Arguments',
  'Output',
  'Items',
  'ItemReader',
  'ItemBatcher',
  'ResultWriter',
];

function checkQueryLanguage(where: string, node: Record<string, unknown>, problems: string[]) {
  if (node.QueryLanguage !== undefined && node.QueryLanguage !== 'JSONPath') {
    problems.push(
      `${where} sets QueryLanguage ${String(node.QueryLanguage)}; the local runner runs JSONPath only`,
    );
  }
}

/**
 * The library races each task against its own timer, with a 60 s default and no guard against
 * Node's timer limit (a `TimeoutSeconds` above ~24.8 days fires after 1 ms). So the runnable
 * copy gives it the longest safe timer and the runner enforces the real timeout. A
 * `TimeoutSecondsPath` is resolved as AWS does, against the state input after `InputPath` and
 * before `Parameters`: it rides along in the Parameters under a wrapper key the runner removes.
 */
function prepareTask(name: string, state: Record<string, unknown>, problems: string[]): TaskSpec | undefined {
  const resource = String(state.Resource);
  const kind: TaskKind | undefined =
    resource === LAMBDA_INVOKE
      ? 'lambdaInvoke'
      : resource === WAIT_FOR_TOKEN
        ? 'lambdaInvokeWaitForTaskToken'
        : LAMBDA_ARN.test(resource)
          ? 'lambdaArn'
          : undefined;
  if (!kind) {
    problems.push(
      `Task "${name}" uses ${resource}; the local runner supports lambda:invoke(.waitForTaskToken) and Lambda ARNs`,
    );
    return undefined;
  }
  if (kind === 'lambdaInvokeWaitForTaskToken' && !mentionsTaskToken(state.Parameters)) {
    problems.push(`Task "${name}" waits for a task token but never passes $$.Task.Token`);
  }
  const timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
  const timeoutPath = typeof state.TimeoutSecondsPath === 'string' ? state.TimeoutSecondsPath : undefined;
  delete state.TimeoutSecondsPath;
  state.TimeoutSeconds = MAX_TIMER_SECONDS;
  if (timeoutPath) {
    state.Parameters = {
      ...('Parameters' in state ? { [WRAPPED_INPUT]: state.Parameters } : { [`${WRAPPED_INPUT}.$`]: '$' }),
      [`${WRAPPED_TIMEOUT}.$`]: timeoutPath,
    };
  }
  return { stateName: name, kind, resource, timeoutSeconds, timeoutFromInput: timeoutPath !== undefined };
}

/** A state's fields without its nested machines (those states are checked on their own). */
function ownFields(state: Record<string, unknown>): Record<string, unknown> {
  const { Iterator: _i, ItemProcessor: _p, Branches: _b, ...own } = state;
  return own;
}

function mentionsTaskToken(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes('$$.Task.Token');
}
