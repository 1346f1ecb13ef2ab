import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  functionName,
  httpFunctions,
  stateMachines,
  type TaskFunction,
  taskFunctions,
} from '../functions/manifest';
import type { Role } from '../functions/shared/auth/roles';
import { tables } from '../functions/shared/db/tables';
import { type StateMachineId, useWorkflowPort } from '../functions/shared/workflow/port';
import { localAwsEnv } from './aws-env';
import { ensureTable } from './create-tables';
import { type RunningDynamoDb, startDynamoDbLocal } from './dynamodb-local';
import { createVerifier, type DevSigningKey, issueToken, newSigningKey } from './gateway/dev-tokens';
import { startGateway } from './gateway/server';
import { createLambdaRuntime } from './lambda-runtime';
import { installLocalIam, localIamWorkflowPort } from './local-iam';
import { TwinStats } from './stats';
import type { DefinitionSource } from './workflow/runner';
import { createWorkflowRunner, type WorkflowRunner } from './workflow/runner';

/** Manifest entries are paths from the repository root. */
const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

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
  log?: (line: string) => void;
  /** Multiplies the state machines' Retry intervals (tests use a small one). Default 1. */
  retryIntervalScale?: number;
  /** Start the workflow again for every order not in a final status (default true). */
  resumeWorkflows?: boolean;
  /** Keep every execution's events (default true: tests read them); a long-running twin turns this off. */
  recordWorkflowEvents?: boolean;
}

export interface Twin {
  url: string;
  dynamoDbEndpoint: string;
  tableNames: Record<string, string>;
  stats: TwinStats;
  /** The local Step Functions: executions, their task tokens, and waits to synchronise on. */
  runner: WorkflowRunner;
  /** Orders whose workflow was started again when the twin started. */
  resumedOrders: number;
  token(request: {
    tenantId: string;
    userId: string;
    roles: Role[];
    expiresInSeconds?: number;
  }): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The whole of Orderly on one machine: DynamoDB Local with the stack's tables, the handlers of
 * the manifest behind a local HTTP API, the state machines run by the local workflow runner with
 * the manifest's task functions, and the development token issuer. Handlers find DynamoDB through
 * the SDK's environment and the runner through the workflow port, exactly as in Lambda they find
 * DynamoDB and Step Functions. On start, every order not in a final status resumes its workflow.
 */
export async function startTwin(options: TwinOptions): Promise<Twin> {
  const ownDynamo: RunningDynamoDb | undefined = options.dynamoDbEndpoint
    ? undefined
    : await startDynamoDbLocal({ dataDir: options.dataDir });
  const endpoint = options.dynamoDbEndpoint ?? (ownDynamo as RunningDynamoDb).endpoint;
  let runner: WorkflowRunner | undefined;
  try {
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

    // The handlers' own client module: imported only now that its environment is set.
    const { dynamodb } = await import('../functions/shared/db/client');
    const stats = new TwinStats();
    installLocalIam(
      dynamodb,
      Object.fromEntries(tables.map((t) => [tableNames[t.id] as string, t.id])),
      stats,
    );
    const runtime = createLambdaRuntime(REPOSITORY_ROOT);
    await runtime.warm([...httpFunctions, ...taskFunctions]);

    // The state machines, each Task calling its manifest function through the same runtime (so
    // local IAM applies); handlers reach the runner through the workflow port, itself checked
    // against each function's `workflow` access.
    const tasksByName = new Map(taskFunctions.map((fn) => [functionName(fn), fn]));
    runner = createWorkflowRunner({
      definitions: Object.fromEntries(stateMachines.map((spec) => [spec.id, definitionSource(spec)])),
      invokeFunction: async (arnOrName, payload) => {
        const name = arnOrName.split(':function:').pop()?.split(':')[0] ?? arnOrName;
        const fn = tasksByName.get(name);
        if (!fn) {
          const error = new Error(`Function not found: ${arnOrName}`);
          error.name = 'Lambda.ResourceNotFoundException';
          throw error;
        }
        stats.invocation(name);
        return runtime.invoke(fn, payload);
      },
      retryIntervalScale: options.retryIntervalScale,
      recordEvents: options.recordWorkflowEvents,
      log: options.log,
    });
    const workflowRunner = runner;
    const ownerOf = (token: string) =>
      workflowRunner.pendingTasks().find((task) => task.token === token)?.stateMachine as
        | StateMachineId
        | undefined;
    useWorkflowPort(localIamWorkflowPort(runner.port, ownerOf));

    const key = options.signingKey ?? (await newSigningKey());
    const gateway = await startGateway({
      port: options.port,
      functions: httpFunctions,
      runtime,
      verify: await createVerifier(key),
      stats,
      log: options.log,
    });

    let resumedOrders = 0;
    if (options.resumeWorkflows ?? true) {
      try {
        const { documentClient } = await import('../functions/shared/db/client');
        const { resumeOrders } = await import('./reconcile');
        ({ resumed: resumedOrders } = await resumeOrders({
          client: documentClient,
          tableName: tableNames.domain as string,
          port: runner.port,
        }));
      } catch (error) {
        await gateway.close();
        throw error;
      }
    }
    return {
      url: gateway.url,
      dynamoDbEndpoint: endpoint,
      tableNames,
      stats,
      runner,
      resumedOrders,
      token: (request) => issueToken(key, request),
      stop: async () => {
        // Executions first: a task in flight may still write, so DynamoDB stays until they are gone.
        await workflowRunner.stop();
        await gateway.close();
        await ownDynamo?.stop();
      },
    };
  } catch (error) {
    await runner?.stop();
    await ownDynamo?.stop();
    throw error;
  }
}

/** A state machine's ASL file with each task's `${…}` placeholder filled by its local function ARN. */
function definitionSource(spec: (typeof stateMachines)[number]): DefinitionSource {
  const tasks = taskFunctions.filter((fn: TaskFunction) => fn.stateMachine === spec.id);
  return {
    file: resolve(REPOSITORY_ROOT, spec.definitionFile),
    substitutions: Object.fromEntries(
      tasks.map((fn) => [fn.definitionSubstitution, localFunctionArn(functionName(fn))]),
    ),
  };
}

export const localFunctionArn = (name: string) => `arn:aws:lambda:local:000000000000:function:${name}`;
