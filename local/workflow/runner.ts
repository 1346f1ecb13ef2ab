import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import { ExecutionError, type RunOptions, StateMachine } from 'aws-local-stepfunctions';
import type {
  StartExecutionResult,
  StateMachineId,
  WorkflowPort,
} from '../../functions/shared/workflow/port';
import { loadDefinition, type PreparedDefinition, TASK_TOKEN_PLACEHOLDER } from './definition';
import { type InvokeFunction, taskHandlers } from './tasks';
import { longTimeout } from './timers';
import { createTaskTokens, type PendingTask } from './tokens';

/**
 * The local twin's Step Functions: runs ASL files with aws-local-stepfunctions, each Task state
 * calling its function in-process, task tokens minted per task and answered through the
 * workflow port, timeouts and retries as AWS applies them. One runner per twin; `stop()` is its
 * Ctrl-C.
 */

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

type Run = ReturnType<StateMachine['run']>;
/** The library's execution events: ExecutionStarted, StateEntered, StateExited, StateFailed, StateRetried, … */
export type WorkflowEvent = Run['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export interface ExecutionView {
  stateMachine: StateMachineId;
  name: string;
  executionArn: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  /** Error name and cause of a failed (or timed-out) execution, as DescribeExecution gives them. */
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
  /** States entered plus retries: what a Standard workflow is billed for. */
  transitions: number;
  /** The state the execution last entered. */
  currentState?: string;
  events: readonly WorkflowEvent[];
}

export interface DefinitionSource {
  /** Path of the ASL JSON file. */
  file: string;
  /** `${Name}` placeholders in the file, replaced as the CDK's definition substitutions are. */
  substitutions?: Record<string, string>;
  /** State machine name in ARNs and `$$.StateMachine.Name`; defaults to the id. */
  name?: string;
}

export interface WorkflowRunnerOptions {
  definitions: Partial<Record<StateMachineId, DefinitionSource>>;
  /** Invokes a function by the ARN or name a definition gives; resolves to its result, throws its error. */
  invokeFunction: InvokeFunction;
  /** Multiplies every retrier's IntervalSeconds (tests use e.g. 0.01). Default 1. */
  retryIntervalScale?: number;
  log?: (line: string) => void;
  /** Keep every execution's events (default true); a long-running twin may turn this off. */
  recordEvents?: boolean;
}

/**
 * Step Functions' API as the twin's endpoint (local/stepfunctions/) serves it to the functions:
 * like AWS, SendTaskFailure takes whatever error and cause it is sent. The functions' own port
 * sends only codes (functions/shared/workflow/task-failures.ts).
 */
export interface StepFunctionsApi extends Omit<WorkflowPort, 'sendTaskFailure'> {
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
}

export interface WorkflowRunner {
  /** What the twin's Step Functions endpoint serves to the functions. */
  port: StepFunctionsApi;
  execution(name: string, stateMachine?: StateMachineId): ExecutionView | undefined;
  executions(): ExecutionView[];
  /** Resolves with the execution once it has ended (started or not yet when called). */
  waitForExecution(name: string, timeoutMs?: number, stateMachine?: StateMachineId): Promise<ExecutionView>;
  /** Resolves once the execution waits on a task token (in `stateName`, when given): its function has returned. */
  waitForTaskToken(name: string, stateName?: string, timeoutMs?: number): Promise<PendingTask>;
  /** Tasks parked on a token, oldest first. */
  pendingTasks(): PendingTask[];
  /**
   * Every task token this runner has minted, answered or not, oldest first: what tests look for
   * in responses, timelines and logs, where none may appear. Kept while events are recorded.
   */
  mintedTokens(): readonly string[];
  /** Aborts every running execution; their tokens become invalid and no timer of theirs is left. */
  stop(): Promise<void>;
}

const REGION = 'local';
const ACCOUNT = '000000000000';
/** StartExecution input and SendTaskSuccess output limit in AWS (256 KiB). */
const MAX_PAYLOAD_BYTES = 262_144;
/**
 * How long a wait on an execution gives up after, by default: long enough for cold starts on a
 * machine whose CPUs are saturated by other work; a wait that gives up says where the execution is.
 */
const DEFAULT_WAIT_MS = 60_000;

interface Machine {
  id: StateMachineId;
  name: string;
  arn: string;
  definition: PreparedDefinition;
  library: StateMachine;
  retryIntervalOverrides?: Record<string, number[]>;
}

interface ExecutionRecord extends Omit<ExecutionView, 'input' | 'events'> {
  inputJson: string;
  events: WorkflowEvent[];
  done: Promise<void>;
  stopReason?: 'stopped' | 'timedOut';
  abort?: () => void;
}

export function createWorkflowRunner(options: WorkflowRunnerOptions): WorkflowRunner {
  const log = options.log ?? (() => {});
  const recordEvents = options.recordEvents ?? true;
  const scale = options.retryIntervalScale ?? 1;
  // Executions run in the runner's own async context, not in that of whichever handler started them.
  const inRunnerContext = AsyncLocalStorage.snapshot();
  const machines = new Map<StateMachineId, Machine>();
  const executions = new Map<string, ExecutionRecord>();
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const check of [...waiters]) check();
  };
  const tokens = createTaskTokens(notify, { keepMinted: recordEvents });
  let stopped = false;

  for (const [id, source] of Object.entries(options.definitions) as [StateMachineId, DefinitionSource][]) {
    const definition = loadDefinition(source.file, source.substitutions);
    const name = source.name ?? id;
    machines.set(id, {
      id,
      name,
      arn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`,
      definition,
      library: new StateMachine(definition.runnable, { validationOptions: { noValidate: true } }),
      // The library's interval overrides replace IntervalSeconds × BackoffRate^attempt, so only scale when asked.
      retryIntervalOverrides:
        scale === 1
          ? undefined
          : Object.fromEntries(
              [...definition.retryIntervals].map(([state, seconds]) => [
                state,
                seconds.map((s) => s * scale * 1000),
              ]),
            ),
    });
  }

  const label = (r: { stateMachine: string; name: string }) => `[workflow] ${r.stateMachine}/${r.name}`;

  const view = (r: ExecutionRecord): ExecutionView => {
    const { inputJson, done: _done, stopReason: _reason, abort: _abort, events, ...rest } = r;
    return { ...rest, input: JSON.parse(inputJson), events: [...events] };
  };

  const find = (name: string, stateMachine?: StateMachineId): ExecutionRecord | undefined => {
    const found = [...executions.values()].filter(
      (r) => r.name === name && (stateMachine === undefined || r.stateMachine === stateMachine),
    );
    if (found.length > 1)
      throw new Error(`Executions named ${name} exist in several state machines; say which`);
    return found[0];
  };

  const finish = (
    record: ExecutionRecord,
    end: Pick<ExecutionView, 'status' | 'output' | 'error' | 'cause'>,
  ) => {
    Object.assign(record, end, { stopDate: new Date() });
    tokens.revokeExecution(record.stateMachine, record.name);
    log(
      `${label(record)} ${record.status} after ${record.transitions} transitions${record.error ? ` (${record.error})` : ''}`,
    );
    notify();
  };

  const consume = async (events: Run['eventLogs'], record: ExecutionRecord) => {
    for await (const event of events) {
      if (recordEvents) record.events.push(event);
      if (event.type === 'StateEntered') {
        record.transitions += 1;
        record.currentState = event.state.name;
        log(`${label(record)} → ${event.state.name}`);
      } else if (event.type === 'StateRetried') {
        record.transitions += 1;
        log(`${label(record)} retrying ${event.state.name} (retry ${event.retry.attempt})`);
      } else if (event.type === 'StateFailed') {
        log(`${label(record)} ${event.state.name} failed: ${event.Error}`);
      }
    }
  };

  const run = async (machine: Machine, record: ExecutionRecord) => {
    if (record.stopReason) return finish(record, { status: 'ABORTED' });
    log(`${label(record)} started`);
    const controller = new AbortController();
    // Every task in flight listens for the stop (a wide Map has many at once); that is no leak.
    setMaxListeners(0, controller.signal);
    const handlers = taskHandlers(
      machine.definition,
      { stateMachine: machine.id, executionName: record.name, signal: controller.signal },
      tokens,
      options.invokeFunction,
    ) as NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers'];
    const execution = machine.library.run(JSON.parse(record.inputJson), {
      overrides: {
        taskResourceLocalHandlers: handlers,
        retryIntervalOverrides: machine.retryIntervalOverrides,
      },
      context: {
        Execution: {
          Id: record.executionArn,
          Name: record.name,
          RoleArn: `arn:aws:iam::${ACCOUNT}:role/${machine.name}-local`,
          RedriveCount: 0,
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: TASK_TOKEN_PLACEHOLDER },
      },
    });
    record.abort = () => {
      execution.abort();
      controller.abort();
    };
    const timeoutSeconds = machine.definition.executionTimeoutSeconds;
    const cancelTimeout =
      timeoutSeconds === undefined
        ? () => {}
        : longTimeout(timeoutSeconds * 1000, () => {
            record.stopReason = 'timedOut';
            record.abort?.();
          });
    const [outcome] = await Promise.all([
      execution.result.then(
        (output) => ({ output, error: undefined }),
        (error: unknown) => ({ output: undefined, error }),
      ),
      consume(execution.eventLogs, record),
    ]);
    cancelTimeout();
    if (record.stopReason === 'timedOut') {
      return finish(record, {
        status: 'TIMED_OUT',
        error: 'States.Timeout',
        cause: `The execution ran longer than its TimeoutSeconds (${timeoutSeconds})`,
      });
    }
    if (record.stopReason === 'stopped') return finish(record, { status: 'ABORTED' });
    if (!outcome.error) return finish(record, { status: 'SUCCEEDED', output: outcome.output });
    const failure = outcome.error instanceof ExecutionError ? outcome.error.cause : outcome.error;
    const { name, message } = failure instanceof Error ? failure : new Error(String(failure));
    return finish(record, { status: 'FAILED', error: name, cause: message });
  };

  const port: StepFunctionsApi = {
    async describeExecution({ stateMachine, name }) {
      return executions.get(`${stateMachine}/${name}`)?.status;
    },
    async startExecution({ stateMachine, name, input }): Promise<StartExecutionResult> {
      if (stopped) throw new Error('The workflow runner has stopped');
      const machine = machines.get(stateMachine);
      if (!machine)
        throw namedError('StateMachineDoesNotExist', `No definition for state machine ${stateMachine}`);
      if (!EXECUTION_NAME.test(name)) throw namedError('InvalidName', `Invalid execution name: ${name}`);
      const inputJson = JSON.stringify(input ?? {});
      if (Buffer.byteLength(inputJson) > MAX_PAYLOAD_BYTES) {
        throw namedError('InvalidExecutionInput', `Execution input exceeds ${MAX_PAYLOAD_BYTES} bytes`);
      }
      const existing = executions.get(`${stateMachine}/${name}`);
      if (existing) {
        // AWS: the same input while running is idempotent; any other case is ExecutionAlreadyExists,
        // which the AWS adapter also reports as alreadyStarted. Either way nothing new runs.
        if (existing.inputJson !== inputJson || existing.status !== 'RUNNING') {
          log(`${label(existing)} already exists (ExecutionAlreadyExists in AWS); nothing started`);
        }
        return { executionArn: existing.executionArn, alreadyStarted: true };
      }
      const record: ExecutionRecord = {
        stateMachine,
        name,
        executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machine.name}:${name}`,
        status: 'RUNNING',
        inputJson,
        startDate: new Date(),
        transitions: 0,
        events: [],
        done: Promise.resolve(),
      };
      executions.set(`${stateMachine}/${name}`, record);
      // Like StartExecution, this returns before the first state runs.
      record.done = new Promise<void>((resolve) => {
        setImmediate(() =>
          inRunnerContext(() =>
            run(machine, record)
              .catch((error: unknown) => {
                // A fault of the runner itself: end the execution visibly rather than leave it hanging.
                finish(record, { status: 'FAILED', error: 'LocalRunnerError', cause: String(error) });
              })
              .then(resolve),
          ),
        );
      });
      notify();
      return { executionArn: record.executionArn, alreadyStarted: false };
    },

    async sendTaskSuccess(taskToken, output) {
      const outputJson = JSON.stringify(output ?? {});
      if (Buffer.byteLength(outputJson) > MAX_PAYLOAD_BYTES) {
        throw namedError('ValidationException', `Task output exceeds ${MAX_PAYLOAD_BYTES} bytes`);
      }
      tokens.answer(taskToken, { ok: true, output: JSON.parse(outputJson) });
    },

    async sendTaskFailure(taskToken, error, cause) {
      tokens.answer(taskToken, { ok: false, error, cause });
    },
  };

  /** Settles when `probe` gives a value or an error, re-checked whenever anything changes. */
  const waitFor = <T>(
    timeoutMs: number,
    what: () => string,
    probe: () => { value: T } | { error: Error } | undefined,
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what()}`));
      }, timeoutMs);
      const check = () => {
        const result = probe();
        if (!result) return;
        clearTimeout(timer);
        waiters.delete(check);
        if ('value' in result) resolve(result.value);
        else reject(result.error);
      };
      waiters.add(check);
      check();
    });

  return {
    port,

    execution(name, stateMachine) {
      const record = find(name, stateMachine);
      return record && view(record);
    },

    executions: () => [...executions.values()].map(view),

    waitForExecution(name, timeoutMs = DEFAULT_WAIT_MS, stateMachine) {
      return waitFor<ExecutionView>(
        timeoutMs,
        () => `execution ${name} to end (it is ${whereExecutionIs(find(name, stateMachine))})`,
        () => {
          const record = find(name, stateMachine);
          if (record?.stopDate) return { value: view(record) };
          if (!record && stopped)
            return { error: new Error(`The runner stopped before execution ${name} started`) };
          return undefined;
        },
      );
    },

    waitForTaskToken(name, stateName, timeoutMs = DEFAULT_WAIT_MS) {
      const where = stateName ? ` in ${stateName}` : '';
      return waitFor<PendingTask>(
        timeoutMs,
        () => `execution ${name} to wait on a task token${where} (it is ${whereExecutionIs(find(name))})`,
        () => {
          const task = tokens
            .parked()
            .find((t) => t.executionName === name && (stateName === undefined || t.stateName === stateName));
          if (task) return { value: task };
          const record = find(name);
          if (record?.stopDate || (!record && stopped)) {
            const ended = record
              ? `ended ${record.status}${record.error ? ` (${record.error}: ${record.cause})` : ''}`
              : 'never started';
            return { error: new Error(`Execution ${name} ${ended} before waiting on a task token${where}`) };
          }
          return undefined;
        },
      );
    },

    pendingTasks: () => tokens.parked(),

    mintedTokens: () => tokens.minted(),

    async stop() {
      stopped = true;
      for (const record of executions.values()) {
        if (record.stopDate) continue;
        record.stopReason ??= 'stopped';
        record.abort?.();
      }
      await Promise.all([...executions.values()].map((r) => r.done));
      tokens.revokeAll();
      notify();
      // Let the library unwind the abandoned tasks, which clears its own timers.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** StartExecution's rule: 1–80 characters, none of whitespace, brackets, wildcards, `"#%\^|~\`$&,;:/` or controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the rule names the control characters AWS refuses.
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Where an execution is, for a wait that gave up: its status, and the state it last entered. */
export const whereExecutionIs = (r: Pick<ExecutionView, 'status' | 'currentState'> | undefined) =>
  r ? `${r.status}${r.currentState ? ` in ${r.currentState}` : ''}` : 'not started';
