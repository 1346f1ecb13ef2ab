import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { functionName, functions } from '../../functions/manifest';
import type { Role } from '../../functions/shared/auth/roles';
import { startTwin, type Twin } from '../../local/twin';
import { recordFunctionLog, recordTwinLine, requestIdsOfThisTest } from './server-log';

export interface TestTwinOptions {
  /** Reuse the tables of an earlier twin (a restart); fresh ones when absent. */
  tablePrefix?: string;
  /** Scales the state machine's Retry intervals; tests wait milliseconds, not seconds. */
  retryIntervalScale?: number;
  /** The functions' POWERTOOLS_LOG_LEVEL (default WARN; a test that reads their INFO lines asks for INFO). */
  functionLogLevel?: string;
  /** More variables for every function (`ORDERLY_FAULTS` for failure tests). */
  functionVariables?: Record<string, string>;
  /**
   * Environments per function at most: 2 unless a test asks for more. Two invocations of one
   * function still overlap (every race the tests stage needs no more), and a burst of requests
   * queues for a warm environment instead of paying cold starts the twin's default (twice the CPU
   * count, 4 here) would add: each costs ~0.6 s of CPU, and up to four files run at once.
   */
  maxEnvironmentsPerFunction?: number;
}

export type TestTwin = Twin & {
  tablePrefix: string;
  /** Initialises an environment of each named function now (provisioned concurrency): no cold start later. */
  warm(...functionNames: string[]): Promise<void>;
  client(token?: string): ApiClient;
  /** Emits `line` for every log line of the twin: the runner logs each state an execution enters. */
  log: EventEmitter;
};

/**
 * The local twin for end-to-end and workflow tests: the real gateway on a free port, the real
 * handlers, the real state machine run by the twin's runner (`twin.runner`), and fresh tables in
 * the DynamoDB Local that `npm test` started. One twin at a time per test file: the handlers'
 * table names and workflow port are per process.
 */
export async function startTestTwin(options: TestTwinOptions = {}): Promise<TestTwin> {
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (!endpoint) throw new Error('Run tests with `npm test` (it starts DynamoDB Local)');
  const tablePrefix = options.tablePrefix ?? `e2e-${randomUUID().slice(0, 8)}`;
  const log = new EventEmitter();
  log.setMaxListeners(0);
  const twin = await startTwin({
    port: 0,
    dynamoDbEndpoint: endpoint,
    tablePrefix,
    retryIntervalScale: options.retryIntervalScale ?? 0.01,
    functionVariables: options.functionVariables,
    maxEnvironmentsPerFunction: options.maxEnvironmentsPerFunction ?? 2,
    // Warnings and errors are kept to explain a failing test (test/support/server-log.ts).
    functionLogLevel: options.functionLogLevel ?? process.env.ORDERLY_TEST_FUNCTION_LOG_LEVEL ?? 'WARN',
    functionLog: (record) => {
      if (process.env.ORDERLY_TEST_LOG) console.log(`${record.functionName}: ${record.line}`);
      recordFunctionLog(record);
    },
    log: (line) => {
      if (process.env.ORDERLY_TEST_LOG) console.log(line);
      recordTwinLine(line);
      log.emit('line', line);
    },
  });
  const warm = (...names: string[]) =>
    twin.runtime.provision(
      names.map((name) => {
        const fn = functions.find((f) => functionName(f) === name);
        if (!fn) throw new Error(`No function ${name} in the manifest`);
        return fn;
      }),
    );
  return { ...twin, tablePrefix, log, warm, client: (token?: string) => apiClient(twin.url, token) };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export type ApiClient = ReturnType<typeof apiClient>;

export function apiClient(baseUrl: string, token?: string) {
  const call = async (
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> => {
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}) };
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(baseUrl + path, {
      method,
      headers: { ...headers, ...options.headers },
      body,
    });
    const text = await response.text();
    const requestId = response.headers.get('apigw-requestid');
    if (requestId) requestIdsOfThisTest.add(requestId);
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      headers: response.headers,
      body: type.includes('json') && text ? JSON.parse(text) : text,
      text,
    };
  };
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, { headers }),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, { body, headers }),
    patch: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call('PATCH', path, { body, headers }),
    raw: call,
  };
}

let counter = 0;
/** Tokens for a fresh tenant, so each test sees only its own data. */
export async function tenantTokens(
  twin: Twin,
  roles: Role[] = ['admin'],
  tenantId = `e2e-${process.pid}-${counter++}`,
) {
  return { tenantId, token: await twin.token({ tenantId, userId: `${roles.join('-')}-user`, roles }) };
}
