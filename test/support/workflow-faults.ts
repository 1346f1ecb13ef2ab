import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { functionName as nameOf } from '../../functions/manifest';
import { callerOf } from '../../local/aws-json';
import type { TestTwin } from './twin';

/**
 * Faults for workflow tests that the real services cause and the local ones cannot: a Lambda
 * invocation that is slow to start, and DynamoDB throttling. Both act outside the handlers, which
 * run unchanged; neither decides anything a handler or the state machine would.
 */

export interface InvocationGate {
  /**
   * Resolves once an invocation of the function is waiting at the gate and no other invocation
   * is still running: a task whose state already timed out may still be writing (a slow
   * AwaitApproval parking its token after its 1 s SLA ran out), and the order must be read after it.
   */
  reached: Promise<void>;
  /** Lets every held invocation (and any later one) run. Safe to call more than once. */
  open(): void;
}

/**
 * Holds invocations of one function before they reach its environment, as a Lambda cold start
 * that takes its time would: the workflow is parked right before that task runs, in the state the
 * previous task left the order. The twin's runner calls `twin.runtime.invoke` for every task, so
 * wrapping it there holds exactly the task's invocation; the first `after` pass. Undone by `open()`,
 * which a test calls in `finally` so a failed test leaves no gate behind for the next one.
 */
export function gateInvocations(twin: TestTwin, functionName: string, { after = 0 } = {}): InvocationGate {
  const runtime = twin.runtime;
  const original = runtime.invoke;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  let reach!: () => void;
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  let held = 0;
  let running = 0;
  const check = () => {
    if (held > 0 && running === 0) reach();
  };
  runtime.invoke = async (fn, event, meta) => {
    if (nameOf(fn) === functionName && after-- <= 0) {
      held++;
      check();
      await opened;
      held--;
      return original.call(runtime, fn, event, meta);
    }
    running++;
    try {
      return await original.call(runtime, fn, event, meta);
    } finally {
      running--;
      check();
    }
  };
  return {
    reached,
    open: () => {
      runtime.invoke = original;
      open();
    },
  };
}

export interface ThrottlingProxy {
  /** The endpoint to give the functions as AWS_ENDPOINT_URL_DYNAMODB. */
  url: string;
  /**
   * From now on, answer `count` requests of `operation` (e.g. TransactWriteItems) that
   * `functionName` sends with DynamoDB's ThrottlingException instead of passing them on: the
   * next ones, or those after the first `after` of them have passed.
   */
  throttle(functionName: string, operation: string, count: number, after?: number): void;
  /** How many requests it throttled. */
  throttled(): number;
  close(): Promise<void>;
}

/**
 * DynamoDB in front of DynamoDB Local, for the one thing DynamoDB Local never does: throttle.
 * Every request is passed on unchanged, except those it was told to throttle, which get the
 * answer DynamoDB gives a throttled request (HTTP 400, `ThrottlingException`). The caller is
 * the function whose access key signed the request (the twin gives each function its own).
 */
export async function startThrottlingProxy(target: string): Promise<ThrottlingProxy> {
  const upstream = new URL(target);
  const plan: { functionName: string; operation: string; pass: number; left: number }[] = [];
  let throttled = 0;
  const server = createServer((req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1];
    const caller = callerOf(req);
    const planned = plan.find((p) => p.left > 0 && p.functionName === caller && p.operation === operation);
    if (planned && planned.pass > 0) planned.pass -= 1;
    else if (planned) {
      planned.left -= 1;
      throttled += 1;
      req.resume();
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
          message: 'Rate of requests exceeds the allowed throughput.',
        }),
      );
      return;
    }
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', (error) => res.destroy(error));
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    throttle: (functionName, operation, count, after = 0) =>
      plan.push({ functionName, operation, pass: after, left: count }),
    throttled: () => throttled,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface LongTimer {
  /** The delay the timer was armed with. */
  delay: number;
  /** Runs the timer's callback now, as if `elapsedMs` had passed since it was armed (see `captureLongTimers`). */
  elapse(elapsedMs: number): void;
}

/**
 * Step Functions' task timeouts of days (TimeoutSeconds of 14 or 30 days) cannot be waited out
 * in a test, and the definition fixes them. The twin's runner arms a Node timer for each in this
 * process (local/workflow/tasks.ts, `longTimeout`); while capturing, every timer armed from there
 * for at least `minMs` is also recorded (the twin's scheduler arms long timers too; they are
 * not), so a test can let that much time pass for that one timer:
 * `elapse` runs its callback with `Date.now()` moved on by the elapsed time during the call (a
 * timer beyond Node's limit re-arms from `Date.now()`, then fires). Nothing else's clock moves;
 * the handlers run at the real time. Stop capturing before anything else.
 */
/** Where the runner arms a task state's timeout, as it appears in a stack trace. */
const TASK_TIMERS = '/local/workflow/tasks.ts';

export function captureLongTimers(minMs = 7 * 24 * 3600 * 1000): { timers: LongTimer[]; stop(): void } {
  const original = globalThis.setTimeout;
  const timers: LongTimer[] = [];
  const capturing = ((callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
    if (typeof delay === 'number' && delay >= minMs && new Error().stack?.includes(TASK_TIMERS)) {
      timers.push({
        delay,
        elapse: (elapsedMs) => {
          const now = Date.now;
          Date.now = () => now() + elapsedMs;
          try {
            callback(...args);
          } finally {
            Date.now = now;
          }
        },
      });
    }
    return original(callback, delay, ...args);
  }) as typeof setTimeout;
  globalThis.setTimeout = capturing;
  return {
    timers,
    stop: () => {
      globalThis.setTimeout = original;
    },
  };
}
