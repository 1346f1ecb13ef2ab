/**
 * What runs inside one Lambda execution environment of the twin: a worker thread that loads one
 * function's handler (its cold start), then serves invocations one at a time, as Lambda's
 * runtime does. Everything the function writes to stdout and stderr, and every DynamoDB request
 * it makes, is reported to the twin under the invocation it belongs to: one invocation at a time
 * means no line is ever attributed to another one.
 */
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import {
  CAPACITY,
  type CapacityRecord,
  meterCapacity,
  RECORDED_INPUT,
  recordRequests,
} from '../capacity/meter';
import { installLocalIam } from '../local-iam';
import { EmulatorWaits } from './emulator-waits';
import type { EnvironmentWorkerData, FromEnvironment, ToEnvironment } from './messages';
import { serializeError } from './messages';
import { takeCoverage } from './mutation-bridge';
import { currentThreadId, startThreadClock } from './thread-clock';

const init = workerData as EnvironmentWorkerData;
const emulatorWaits = new EmulatorWaits(init.emulatorWaits);
const port = parentPort;
if (!port) throw new Error('in-environment.ts runs in a worker thread of the twin');
const post = (message: FromEnvironment) => port.postMessage(message);

/** The invocation running now, or the last one: a line written after it returned still belongs to it. */
let current: number | undefined;

// Lambda sends a function's stdout and stderr to its log stream; the twin hears them here.
for (const stream of ['stdout', 'stderr'] as const) {
  process[stream].write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    post({
      type: 'log',
      id: current,
      stream,
      text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(),
    });
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
}

const started = performance.now();
let handler: (event: unknown, context: Context) => Promise<unknown>;
try {
  const { dynamodb } = (await import(pathToFileURL(init.dynamoClientModule).href)) as {
    dynamodb: DynamoDBClient;
  };
  const invocation = { fn: { tables: init.tables }, name: init.functionName };
  installLocalIam(
    dynamodb,
    init.tableIds,
    () => invocation,
    (_name, command, durationMs, error, context) => {
      const extra = context as Record<symbol, unknown>;
      const capacity = extra[CAPACITY] as CapacityRecord | undefined;
      post({
        type: 'dynamo',
        id: current,
        record: {
          command,
          // The meter's own reads (benchmarks) are not the request's.
          durationMs: durationMs - (capacity?.meterMs ?? 0),
          ...(error ? { failed: error.name } : {}),
          ...(capacity
            ? {
                readUnits: capacity.readUnits,
                writeUnits: capacity.writeUnits,
                localUnits: capacity.localUnits,
              }
            : {}),
          ...(extra[RECORDED_INPUT] ? { input: extra[RECORDED_INPUT] } : {}),
        },
      });
    },
  );
  emulatorWaits.meter(dynamodb);
  if (init.meterCapacity) meterCapacity(dynamodb, init.tableIds);
  if (init.recordRequests) recordRequests(dynamodb);
  const mod = (await import(pathToFileURL(init.entry).href)) as { handler?: typeof handler };
  if (typeof mod.handler !== 'function') throw new Error(`${init.entry} exports no handler`);
  handler = mod.handler;
} catch (error) {
  post({ type: 'init-failed', error: serializeError(error) });
  process.exit(1);
}
post({
  type: 'ready',
  initMs: performance.now() - started,
  tid: currentThreadId(),
  coverage: takeCoverage(),
});

const ownClock = '/proc/thread-self/schedstat';

port.on('message', async (message: ToEnvironment) => {
  if (message.type === 'shutdown') {
    process.exit(0);
  }
  const { id, event, awsRequestId } = message;
  current = id;
  const clock = startThreadClock(ownClock);
  const waitsBefore = emulatorWaits.reading();
  const cpuBefore = process.threadCpuUsage();
  const cpuMs = () => {
    const used = process.threadCpuUsage(cpuBefore);
    return (used.user + used.system) / 1000;
  };
  const context: Context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: init.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${init.functionName}`,
    memoryLimitInMB: String(init.memoryMb),
    awsRequestId,
    logGroupName: `/aws/lambda/${init.functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () =>
      Math.max(0, Math.floor(init.timeoutMs - clock.elapsedMs() + emulatorWaits.excusedMsSince(waitsBefore))),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    // Lambda returns the result as JSON text: what cannot be serialised does not reach the caller.
    const result = JSON.stringify(await handler(event, context)) ?? 'null';
    post({
      type: 'done',
      id,
      ok: true,
      result: JSON.parse(result),
      cpuMs: cpuMs(),
      coverage: takeCoverage(),
    });
  } catch (error) {
    post({
      type: 'done',
      id,
      ok: false,
      error: serializeError(error),
      cpuMs: cpuMs(),
      coverage: takeCoverage(),
    });
  }
});
