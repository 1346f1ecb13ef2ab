import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { registerMachineClient } from '../functions/clients/register';
import { getMachineClient, scanMachineClients } from '../functions/clients/store';
import {
  type FunctionSpec,
  functionName,
  functions,
  httpFunctions,
  type ScheduleFunction,
  scheduleFunctions,
  stateMachines,
  streamFunctions,
  type TaskFunction,
  taskFunctions,
} from '../functions/manifest';
import { CURSOR_KEY_ENV } from '../functions/shared/db/cursor-key';
import { tables } from '../functions/shared/db/tables';
import { newLocalSecretKey, SECRET_KEY_ENV } from '../functions/shared/secrets/sealed-secret';
import { STATE_MACHINE_ARN_ENV } from '../functions/shared/workflow/aws-adapter';
import type { StateMachineId } from '../functions/shared/workflow/port';
import { ALLOW_PRIVATE_WEBHOOK_URLS_ENV } from '../functions/webhooks/url-policy';
import type { ReconcileReport } from '../functions/workflow/reconcile';
import { localAwsEnv } from './aws-env';
import { accessKeyOf } from './aws-json';
import { type ControlServer, startControlServer } from './control/server';
import { ensureTable } from './create-tables';
import { newCursorKey } from './cursor-key';
import { type RunningDynamoDb, startDynamoDbLocal } from './dynamodb-local';
import { type EventBridgeEndpoint, LOCAL_EVENT_BUS, startEventBridgeEndpoint } from './eventbridge/endpoint';
import {
  createVerifier,
  type DevSigningKey,
  issueToken,
  newSigningKey,
  type TokenRequest,
} from './gateway/dev-tokens';
import { createTokenEndpoint, TOKEN_PATH } from './gateway/oauth-token';
import { startGateway } from './gateway/server';
import { createLambdaRuntime, type LambdaRuntime, type LogRecord } from './lambda/runtime';
import { type Scheduler, startScheduler } from './scheduler/scheduler';
import { TwinStats } from './stats';
import { localStateMachineArn, startStepFunctionsEndpoint } from './stepfunctions/endpoint';
import { type StreamPoller, startStreamPoller } from './streams/poller';
import type { DefinitionSource } from './workflow/runner';
import { createWorkflowRunner, type WorkflowRunner } from './workflow/runner';

/** Manifest entries are paths from the repository root. */
const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * How long an idle stream shard may go unpolled when nothing the twin's functions do writes to the
 * table: writes made another way (a test or script writing to DynamoDB Local itself) are seen
 * within this. An idle twin polled every 250 ms cost about a quarter of a CPU core, most of it in
 * DynamoDB Local answering GetRecords for each consumer.
 */
const IDLE_STREAM_POLL_MAX_MS = 2_000;

/**
 * The commands that change items, as the functions' environments report them: the client's own
 * names, which is what the document client's commands reach it as (local/local-iam.ts).
 */
const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

/** Variables of the developer's shell that reach the functions' environments (Lambda's start empty). */
const PASSED_THROUGH = [
  'NODE_V8_COVERAGE',
  // Failure tests: faults to inject (functions/shared/faults.ts), a shorter key retention.
  'ORDERLY_FAULTS',
  'IDEMPOTENCY_RETENTION_SECONDS',
  'EVENT_FEED_SETTLE_SECONDS',
  // Webhook delivery (functions/webhooks/delivery/config.ts): shorter retries for tests and benchmarks.
  'ORDERLY_WEBHOOK_RETRY_DELAYS',
  'ORDERLY_WEBHOOK_TIMEOUT_MS',
  'ORDERLY_WEBHOOK_INLINE_BUDGET_MS',
];

export interface TwinOptions {
  /** Port for the HTTP API; 0 picks a free one. */
  port: number;
  /** Persist DynamoDB Local here; in memory when absent. Ignored when `dynamoDbEndpoint` is given. */
  dataDir?: string;
  /** Use a DynamoDB Local that is already running (tests share one). */
  dynamoDbEndpoint?: string;
  /** Physical table names are `<prefix>-domain` and `<prefix>-idempotency`. */
  tablePrefix?: string;
  signingKey?: DevSigningKey;
  /** Signs pagination cursors (local/cursor-key.ts); a fresh one when absent, so cursors last as long as this twin. */
  cursorKey?: string;
  /** The twin's own lines: requests, workflow steps. */
  log?: (line: string) => void;
  /** Every line a function writes (Powertools' JSON logs), with the invocation it belongs to. */
  functionLog?: (record: LogRecord) => void;
  /** The functions' POWERTOOLS_LOG_LEVEL; default: the twin's own environment's, else INFO. */
  functionLogLevel?: string;
  /** Multiplies the state machines' Retry intervals (tests use a small one). Default 1. */
  retryIntervalScale?: number;
  /**
   * Run the stuck-order reconciler once at start over every non-final order (default true): the
   * executions of the last run died with it, and each order carries on from where it is.
   */
  resumeWorkflows?: boolean;
  /** The stream poller's checkpoints and dead letters persist here (npm start: .data/streams); in memory when absent. */
  streamsDir?: string;
  /** Append every event published to the local bus to this file (npm start: .data/eventbridge/events.jsonl). */
  eventArchive?: string;
  /** Serve `npm run job` on this Unix socket. */
  controlSocket?: string;
  /** Keep every execution's events (default true: tests read them); a long-running twin turns this off. */
  recordWorkflowEvents?: boolean;
  /** Environments per function at most (default: twice the CPU count, at least 2). */
  maxEnvironmentsPerFunction?: number;
  /** Measure capacity units of every DynamoDB request by AWS's rules (benchmarks). */
  meterCapacity?: boolean;
  /** Report every DynamoDB request's input to the runtime's observers (benchmarks). */
  recordRequests?: boolean;
  /** More variables for every function, over the passed-through ones (failure tests: `ORDERLY_FAULTS`). */
  functionVariables?: Record<string, string>;
  /**
   * Seals stored secrets (functions/shared/secrets/sealed-secret.ts) in place of KMS; a fresh one
   * when absent (tests), `.data/secret-key` for npm start, so sealed secrets outlive a restart.
   */
  secretKey?: string;
}

export interface Twin {
  url: string;
  dynamoDbEndpoint: string;
  stepFunctionsEndpoint: string;
  tableNames: Record<string, string>;
  stats: TwinStats;
  /** The functions' execution environments: observers of invocations, logs and DynamoDB requests. */
  runtime: LambdaRuntime;
  /** The local Step Functions: executions, their task tokens, and waits to synchronise on. */
  runner: WorkflowRunner;
  /** The stream poller: every consumer's deliveries, retries and dead letters. */
  streams: StreamPoller;
  /** The scheduler of the manifest's jobs. */
  scheduler: Scheduler;
  /** What the functions published to the local EventBridge bus. */
  eventBus: EventBridgeEndpoint;
  /** Orders whose workflow was started again when the twin started (the reconciler's first run). */
  resumedOrders: number;
  /** Runs a scheduled job now, as `npm run job -- <name>` does: its result. */
  runJob(name: string): Promise<unknown>;
  token(request: TokenRequest): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The whole of Orderly on one machine: DynamoDB Local with the stack's tables, the handlers of
 * the manifest in Lambda-like execution environments behind a local HTTP API, the state
 * machines run by the local workflow runner behind a local Step Functions endpoint, and the
 * development token issuer. Functions find DynamoDB and Step Functions through the SDK's
 * environment (`AWS_ENDPOINT_URL_*`), exactly as in Lambda they find AWS. On start, every order
 * not in a final status resumes its workflow.
 */
export async function startTwin(options: TwinOptions): Promise<Twin> {
  const ownDynamo: RunningDynamoDb | undefined = options.dynamoDbEndpoint
    ? undefined
    : await startDynamoDbLocal({ dataDir: options.dataDir });
  const endpoint = options.dynamoDbEndpoint ?? (ownDynamo as RunningDynamoDb).endpoint;
  // What to stop, in the order it was started; stopping runs it backwards, so the API stops first
  // (no new work), then the executions (a task in flight may still write), then the Step
  // Functions endpoint and the functions' environments, and DynamoDB Local last.
  const closers: (() => Promise<void>)[] = [async () => ownDynamo?.stop()];
  const stopAll = async () => {
    for (const close of [...closers].reverse()) await close();
  };
  try {
    // The twin's own process (the resume job, tests reading the table) finds DynamoDB Local as functions do.
    Object.assign(process.env, localAwsEnv(endpoint));
    const prefix = options.tablePrefix ?? 'orderly';
    const tableNames: Record<string, string> = {};
    const admin = new DynamoDBClient({ endpoint });
    for (const table of tables) {
      const name = `${prefix}-${table.id}`;
      await ensureTable(admin, name, table);
      tableNames[table.id] = name;
      process.env[table.envVar] = name;
    }
    admin.destroy();

    // Started after the runtime and the runner it serves; environments are created later, on use.
    let stepFunctions: Awaited<ReturnType<typeof startStepFunctionsEndpoint>> | undefined;
    const eventBus = await startEventBridgeEndpoint({
      functions,
      functionNameOf: functionName,
      archiveFile: options.eventArchive,
      // A long-running twin keeps the latest events in memory; its archive keeps them all.
      ...(options.recordWorkflowEvents === false ? { retain: 1000 } : {}),
    });
    closers.push(() => eventBus.close());
    const functionLogLevel = options.functionLogLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO';
    const cursorKey = options.cursorKey ?? newCursorKey();
    const secretKey = options.secretKey ?? newLocalSecretKey();
    const runtime = createLambdaRuntime({
      rootDir: REPOSITORY_ROOT,
      tableIds: Object.fromEntries(tables.map((t) => [tableNames[t.id] as string, t.id])),
      maxEnvironmentsPerFunction: options.maxEnvironmentsPerFunction,
      meterCapacity: options.meterCapacity,
      recordRequests: options.recordRequests,
      environmentOf: (fn) =>
        functionEnvironment(fn, {
          dynamoDbEndpoint: endpoint,
          stepFunctionsUrl: stepFunctions?.url ?? '',
          tableNames,
          functionLogLevel,
          cursorKey,
          secretKey,
          eventBridgeUrl: eventBus.url,
          variables: options.functionVariables ?? {},
        }),
    });
    closers.push(() => runtime.stop());
    const stats = new TwinStats();
    runtime.observers.invocation.add((record) => stats.invocation(record));
    runtime.observers.dynamo.add((record) => stats.record(record.functionName, record.command));
    if (options.functionLog) runtime.observers.log.add(options.functionLog);

    // The state machines, each Task calling its manifest function in the same runtime.
    const tasksByName = new Map(taskFunctions.map((fn) => [functionName(fn), fn]));
    const runner = createWorkflowRunner({
      definitions: Object.fromEntries(stateMachines.map((spec) => [spec.id, definitionSource(spec)])),
      invokeFunction: async (arnOrName, payload, context) => {
        const name = arnOrName.split(':function:').pop()?.split(':')[0] ?? arnOrName;
        const fn = tasksByName.get(name);
        if (!fn) {
          const error = new Error(`Function not found: ${arnOrName}`);
          error.name = 'Lambda.ResourceNotFoundException';
          throw error;
        }
        return runtime.invoke(fn, payload, { correlationId: context.executionName });
      },
      retryIntervalScale: options.retryIntervalScale,
      recordEvents: options.recordWorkflowEvents,
      log: options.log,
    });
    // The endpoint is started after the runner but stopped after it too.
    closers.push(async () => stepFunctions?.close());
    closers.push(() => runner.stop());

    stepFunctions = await startStepFunctionsEndpoint({
      runner,
      functions,
      functionNameOf: functionName,
      ownerOf: (token) =>
        runner.pendingTasks().find((task) => task.token === token)?.stateMachine as
          | StateMachineId
          | undefined,
    });

    const key = options.signingKey ?? (await newSigningKey());
    const gateway = await startGateway({
      port: options.port,
      functions: httpFunctions,
      runtime,
      verify: await createVerifier(key),
      // Machine clients (OAuth 2.0 client credentials) get their access tokens here, as from Cognito.
      tokenEndpoint: createTokenEndpoint({ key, findClient: getMachineClient }),
      log: options.log,
    });
    closers.push(() => gateway.close());

    // Scheduled jobs: on their schedules, now (npm run job), and the reconciler once at start.
    const scheduler = startScheduler({
      jobs: scheduleFunctions,
      invoke: (job, event) => runtime.invoke(job, event),
      log: options.log,
    });
    closers.push(() => scheduler.stop());
    const reconciler = scheduleFunctions.find((fn) => fn.name === 'reconcileOrders') as ScheduleFunction;
    const runJob = (name: string) => scheduler.runNow(name);

    let resumedOrders = 0;
    if (options.resumeWorkflows ?? true) {
      const report = (await runtime.invoke(reconciler, { all: true })) as ReconcileReport;
      resumedOrders = report.started + report.restarted;
    }

    // The outbox: every consumer of the domain table's stream, from its checkpoint on.
    const streams = await startStreamPoller({
      dynamoDbEndpoint: endpoint,
      tableName: tableNames.domain as string,
      consumers: streamFunctions,
      invoke: (consumer, event) => runtime.invoke(consumer, event),
      stateDir: options.streamsDir,
      log: options.log,
      maxIdlePollIntervalMs: IDLE_STREAM_POLL_MAX_MS,
    });
    closers.push(() => streams.stop());
    // The functions' writes are read within a poll interval; only other writers wait for an idle poll.
    runtime.observers.dynamo.add((record) => {
      if (!record.failed && WRITE_COMMANDS.has(record.command)) streams.poke();
    });

    let control: ControlServer | undefined;
    if (options.controlSocket) {
      control = await startControlServer({
        socketPath: options.controlSocket,
        scheduler: { runNow: runJob, list: () => scheduler.list() },
        clients: {
          register: async (input) => ({
            ...(await registerMachineClient(input)),
            tokenUrl: `${gateway.url}${TOKEN_PATH}`,
          }),
          list: scanMachineClients,
        },
      });
      closers.push(() => (control as ControlServer).close());
    }
    return {
      url: gateway.url,
      dynamoDbEndpoint: endpoint,
      stepFunctionsEndpoint: stepFunctions.url,
      tableNames,
      stats,
      runtime,
      runner,
      streams,
      scheduler,
      eventBus,
      resumedOrders,
      runJob,
      token: (request) => issueToken(key, request),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** What the CDK stack gives a function as environment, with the twin's endpoints in place of AWS's. */
function functionEnvironment(
  fn: FunctionSpec,
  twin: {
    dynamoDbEndpoint: string;
    stepFunctionsUrl: string;
    tableNames: Record<string, string>;
    functionLogLevel: string;
    cursorKey: string;
    secretKey: string;
    eventBridgeUrl: string;
    variables: Record<string, string>;
  },
): Record<string, string> {
  const name = functionName(fn);
  const environment: Record<string, string> = {
    ...localAwsEnv(twin.dynamoDbEndpoint),
    // The local Step Functions endpoint knows the caller by the key it signs with, as AWS does.
    AWS_ACCESS_KEY_ID: accessKeyOf(name),
    AWS_ENDPOINT_URL_SFN: twin.stepFunctionsUrl,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    TZ: 'UTC',
    POWERTOOLS_LOG_LEVEL: twin.functionLogLevel,
  };
  for (const table of tables) {
    if (fn.tables[table.id]?.length) environment[table.envVar] = twin.tableNames[table.id] as string;
  }
  if (fn.publishesEvents) {
    environment.AWS_ENDPOINT_URL_EVENTBRIDGE = twin.eventBridgeUrl;
    environment.EVENT_BUS_NAME = LOCAL_EVENT_BUS;
  }
  // Where the stack grants the cursor key secret, the twin gives the key itself.
  if (fn.cursors) environment[CURSOR_KEY_ENV] = twin.cursorKey;
  // Where the stack grants KMS on the secrets key, the twin gives its local key.
  if (fn.secrets?.length) environment[SECRET_KEY_ENV] = twin.secretKey;
  // The twin delivers webhooks to receivers on this machine; AWS refuses private addresses.
  environment[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] = 'true';
  for (const [id, actions] of Object.entries(fn.workflow ?? {})) {
    if (actions?.includes('StartExecution'))
      environment[STATE_MACHINE_ARN_ENV[id as StateMachineId]] = localStateMachineArn(id);
  }
  for (const variable of PASSED_THROUGH) {
    const value = process.env[variable];
    if (value !== undefined) environment[variable] = value;
  }
  return { ...environment, ...twin.variables };
}

/** A state machine's ASL file with each task's `${…}` placeholder filled by its local function ARN. */
function definitionSource(spec: (typeof stateMachines)[number]): DefinitionSource {
  const tasks = taskFunctions.filter((fn: TaskFunction) => fn.stateMachine === spec.id);
  return {
    file: `${REPOSITORY_ROOT}${spec.definitionFile}`,
    substitutions: Object.fromEntries(
      tasks.map((fn) => [fn.definitionSubstitution, localFunctionArn(functionName(fn))]),
    ),
  };
}

export const localFunctionArn = (name: string) => `arn:aws:lambda:local:000000000000:function:${name}`;
