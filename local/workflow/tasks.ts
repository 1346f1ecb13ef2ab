import {
  AWS_DEFAULT_TASK_TIMEOUT_SECONDS,
  type PreparedDefinition,
  TASK_TOKEN_PLACEHOLDER,
  type TaskSpec,
  WRAPPED_INPUT,
  WRAPPED_TIMEOUT,
} from './definition';
import { functionFailure, StateFailure, statesTimeoutError, UncatchableError } from './errors';
import { longTimeout } from './timers';
import type { TaskTokens } from './tokens';

/**
 * The library's Task overrides for one execution: each Task state, by name, invokes its function
 * in-process. Every attempt races the state's timeout and the execution being stopped, and
 * whatever ends an attempt first also ends its task token, so no late answer is accepted.
 */

/** Invokes a function by ARN or name; `context` says which execution and state it serves. */
export type InvokeFunction = (
  functionArnOrName: string,
  payload: unknown,
  context: { stateMachine: string; executionName: string; stateName: string },
) => Promise<unknown>;
type Handler = (input: unknown) => Promise<unknown>;

export interface TaskExecution {
  stateMachine: string;
  executionName: string;
  /** Aborted when the execution is stopped or times out. */
  signal: AbortSignal;
}

export function taskHandlers(
  definition: PreparedDefinition,
  execution: TaskExecution,
  tokens: TaskTokens,
  invokeFunction: InvokeFunction,
): Record<string, Handler> {
  const invoke = async (functionName: string, payload: unknown, stateName: string) => {
    try {
      return asJson(
        await invokeFunction(functionName, asJson(payload), {
          stateMachine: execution.stateMachine,
          executionName: execution.executionName,
          stateName,
        }),
      );
    } catch (error) {
      throw functionFailure(error);
    }
  };

  const attempt = (spec: TaskSpec, wrappedInput: unknown): Promise<unknown> => {
    if (execution.signal.aborted) return Promise.reject(stopped());
    let input: unknown;
    let timeoutSeconds: number;
    try {
      ({ input, timeoutSeconds } = unwrap(spec, wrappedInput));
    } catch (error) {
      return Promise.reject(error);
    }
    const timeoutAt = new Date(Date.now() + timeoutSeconds * 1000);
    let token: string | undefined;

    return new Promise<unknown>((resolve, reject) => {
      let done = false;
      const end = () => {
        done = true;
        cancelTimer();
        execution.signal.removeEventListener('abort', onAbort);
        if (token) tokens.revoke(token);
      };
      const onAbort = () => {
        if (done) return;
        end();
        reject(stopped());
      };
      const cancelTimer = longTimeout(timeoutSeconds * 1000, () => {
        if (done) return;
        end();
        statesTimeoutError().then((timeout) => reject(timeout()), reject);
      });
      execution.signal.addEventListener('abort', onAbort, { once: true });

      const work = async (): Promise<unknown> => {
        if (spec.kind === 'lambdaArn') return invoke(spec.resource, input, spec.stateName);
        const { FunctionName, Payload } = lambdaParameters(spec, input);
        if (spec.kind === 'lambdaInvoke') {
          return {
            ExecutedVersion: '$LATEST',
            Payload: await invoke(FunctionName, Payload, spec.stateName),
            StatusCode: 200,
          };
        }
        const minted = tokens.mint(
          {
            stateMachine: execution.stateMachine,
            executionName: execution.executionName,
            stateName: spec.stateName,
          },
          spec.timeoutSeconds !== undefined || spec.timeoutFromInput ? timeoutAt : undefined,
        );
        token = minted.token;
        const payload = withToken(Payload, minted.token);
        tokens.describe(minted.token, payload);
        // The handler may answer its own token before it returns; either way the answer decides.
        const invoked = invoke(FunctionName, payload, spec.stateName).then(() => {
          tokens.park(minted.token);
          return new Promise<never>(() => {});
        });
        const outcome = await Promise.race([invoked, minted.outcome]);
        if (!outcome.ok) throw new StateFailure(outcome.error, outcome.cause);
        return outcome.output;
      };

      work().then(
        (output) => {
          if (done) return;
          end();
          resolve(output);
        },
        (error: unknown) => {
          if (done) return;
          end();
          reject(error);
        },
      );
    });
  };

  return Object.fromEntries(
    [...definition.tasks.values()].map((spec) => [spec.stateName, (input: unknown) => attempt(spec, input)]),
  );
}

/** What a TimeoutSecondsPath may select (`Number.isInteger` is false for anything but a number). */
const isPositiveInteger = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 1;

function unwrap(spec: TaskSpec, wrappedInput: unknown): { input: unknown; timeoutSeconds: number } {
  if (!spec.timeoutFromInput) {
    return { input: wrappedInput, timeoutSeconds: spec.timeoutSeconds ?? AWS_DEFAULT_TASK_TIMEOUT_SECONDS };
  }
  const wrapped = wrappedInput as Record<string, unknown>;
  const seconds = wrapped[WRAPPED_TIMEOUT];
  if (!isPositiveInteger(seconds)) {
    throw new UncatchableError(
      'States.Runtime',
      `TimeoutSecondsPath of "${spec.stateName}" must select a positive integer, got ${JSON.stringify(seconds)}`,
    );
  }
  return { input: wrapped[WRAPPED_INPUT], timeoutSeconds: seconds };
}

function lambdaParameters(spec: TaskSpec, input: unknown): { FunctionName: string; Payload: unknown } {
  const { FunctionName, Payload = {}, ...others } = (input ?? {}) as Record<string, unknown>;
  if (typeof FunctionName !== 'string') {
    throw new UncatchableError(
      'States.Runtime',
      `Task "${spec.stateName}" has no FunctionName in its Parameters`,
    );
  }
  const unsupported = Object.keys(others);
  if (unsupported.length) {
    throw new UncatchableError(
      'States.Runtime',
      `Task "${spec.stateName}" passes ${unsupported.join(', ')}; the local runner supports FunctionName and Payload`,
    );
  }
  return { FunctionName, Payload };
}

/** Puts the minted token wherever the definition placed `$$.Task.Token` (whole value or inside a string). */
function withToken(value: unknown, token: string): unknown {
  if (typeof value === 'string') return value.replaceAll(TASK_TOKEN_PLACEHOLDER, token);
  if (Array.isArray(value)) return value.map((item) => withToken(item, token));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withToken(item, token)]));
  }
  return value;
}

/** What crosses the Lambda boundary is JSON text: copies, `undefined` becomes null. */
function asJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

function stopped(): UncatchableError {
  return new UncatchableError('ExecutionAborted', 'The execution was stopped');
}
