import { StateMachine } from 'aws-local-stepfunctions';

/**
 * Errors as aws-local-stepfunctions understands them: `Retry` and `Catch` match `ErrorEquals`
 * against `error.name`, a `Catch` passes on `{ Error: error.name, Cause: error.message }`, and an
 * error whose `isRetryable` / `isCatchable` is false is neither retried nor caught.
 */

/** A state failure with an error name of our choosing (a Lambda errorType, a SendTaskFailure error). */
export class StateFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/** Fails the execution outright, as `States.Runtime` does in AWS: no Retry or Catch may match it. */
export class UncatchableError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
  get isRetryable(): boolean {
    return false;
  }
  get isCatchable(): boolean {
    return false;
  }
}

/** What a throwing function becomes, as Lambda reports it: errorType is the error's name. */
export function functionFailure(thrown: unknown): StateFailure {
  const errorType = thrown instanceof Error ? thrown.name : 'Error';
  const errorMessage = thrown instanceof Error ? thrown.message : String(thrown);
  return new StateFailure(errorType, JSON.stringify({ errorType, errorMessage }));
}

type ErrorFactory = () => Error;
let statesTimeout: Promise<ErrorFactory> | undefined;

/**
 * A `States.Timeout` error that is the library's own: its `States.TaskFailed` matcher skips
 * instances of its (unexported) timeout class, as AWS does, so ours must be one. The class is
 * taken from a one-millisecond probe execution, once per process.
 */
export function statesTimeoutError(): Promise<ErrorFactory> {
  statesTimeout ??= probeTimeoutClass();
  return statesTimeout;
}

async function probeTimeoutClass(): Promise<ErrorFactory> {
  const probe = new StateMachine(
    {
      StartAt: 'Probe',
      States: {
        Probe: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe',
          TimeoutSeconds: 0.001,
          End: true,
        },
      },
    },
    { validationOptions: { noValidate: true } },
  );
  const { result } = probe.run(null, {
    overrides: { taskResourceLocalHandlers: { Probe: () => new Promise<never>(() => {}) } },
  });
  const failure = await result.then(
    () => undefined,
    (error: unknown) => error,
  );
  const timeout = failure instanceof Error ? failure.cause : undefined;
  if (timeout instanceof Error && timeout.name === 'States.Timeout') {
    const TimeoutClass = timeout.constructor as new () => Error;
    return () => new TimeoutClass();
  }
  // The library changed shape: an error of the right name still matches States.Timeout and States.ALL.
  return () => new StateFailure('States.Timeout', 'States.Timeout');
}
