import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { httpFunctions } from '../functions/manifest';
import type { Role } from '../functions/shared/auth/roles';
import { tables } from '../functions/shared/db/tables';
import { localAwsEnv } from './aws-env';
import { ensureTable } from './create-tables';
import { type RunningDynamoDb, startDynamoDbLocal } from './dynamodb-local';
import { createVerifier, type DevSigningKey, issueToken, newSigningKey } from './gateway/dev-tokens';
import { startGateway } from './gateway/server';
import { createLambdaRuntime } from './lambda-runtime';
import { installLocalIam } from './local-iam';
import { TwinStats } from './stats';

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
}

export interface Twin {
  url: string;
  dynamoDbEndpoint: string;
  tableNames: Record<string, string>;
  stats: TwinStats;
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
 * the manifest behind a local HTTP API, and the development token issuer. Handlers find
 * DynamoDB through the SDK's environment, exactly as in Lambda.
 */
export async function startTwin(options: TwinOptions): Promise<Twin> {
  const ownDynamo: RunningDynamoDb | undefined = options.dynamoDbEndpoint
    ? undefined
    : await startDynamoDbLocal({ dataDir: options.dataDir });
  const endpoint = options.dynamoDbEndpoint ?? (ownDynamo as RunningDynamoDb).endpoint;
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
    await runtime.warm(httpFunctions);

    const key = options.signingKey ?? (await newSigningKey());
    const gateway = await startGateway({
      port: options.port,
      functions: httpFunctions,
      runtime,
      verify: await createVerifier(key),
      stats,
      log: options.log,
    });
    return {
      url: gateway.url,
      dynamoDbEndpoint: endpoint,
      tableNames,
      stats,
      token: (request) => issueToken(key, request),
      stop: async () => {
        await gateway.close();
        await ownDynamo?.stop();
      },
    };
  } catch (error) {
    await ownDynamo?.stop();
    throw error;
  }
}
