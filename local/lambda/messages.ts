/**
 * What crosses between the twin and one of its Lambda execution environments (a worker thread).
 * Everything is structured-cloned: events and results are copied as Lambda would serialise them.
 */
import type { TableAccess } from '../../functions/manifest';
import type { MutantCoverage } from './mutation-bridge';

/** What an environment is created with: its function, and how to find its tables. */
export interface EnvironmentInit {
  functionName: string;
  /** Absolute path of the handler module. */
  entry: string;
  /** Absolute path of the module holding the handlers' DynamoDB client (instrumented before the handler loads). */
  dynamoClientModule: string;
  tables: TableAccess;
  /** Physical table name → logical id, for local IAM. */
  tableIds: Record<string, keyof TableAccess>;
  memoryMb: number;
  timeoutMs: number;
  /** Also measure each write's capacity units from its item sizes (benchmarks only: it adds reads). */
  meterCapacity: boolean;
  /** Also report each request's input as sent (benchmarks that replay requests). */
  recordRequests: boolean;
}

/** What the environment's worker is started with: its init, and the memory it shares with the twin. */
export interface EnvironmentWorkerData extends EnvironmentInit {
  /** Its waits on DynamoDB Local (emulator-waits.ts), read by the twin's timeout clock. */
  emulatorWaits: SharedArrayBuffer;
}

export interface InvokeMessage {
  type: 'invoke';
  id: number;
  event: unknown;
  awsRequestId: string;
}

export type ToEnvironment = InvokeMessage | { type: 'shutdown' };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** Own enumerable properties that are plain data (an SDK error's `$metadata`, `CancellationReasons`, …). */
  data?: Record<string, unknown>;
}

/** One DynamoDB request an invocation made, as the twin's counters and benchmarks see it. */
export interface DynamoRequestRecord {
  command: string;
  durationMs: number;
  failed?: string;
  /** Capacity units by AWS's billing rules (only when metering). */
  readUnits?: number;
  writeUnits?: number;
  /** What DynamoDB Local itself reported (only when metering). */
  localUnits?: number;
  /** The request as sent, marshalled (only when recording). */
  input?: unknown;
}

/** What the environment's code reached (mutation testing's coverage run only: mutation-bridge.ts). */
type Reached = { coverage?: MutantCoverage };

export type FromEnvironment =
  | ({ type: 'ready'; initMs: number; tid?: number } & Reached)
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'log'; id?: number; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'dynamo'; id?: number; record: DynamoRequestRecord }
  | ({ type: 'done'; id: number; ok: true; result: unknown; cpuMs: number } & Reached)
  | ({ type: 'done'; id: number; ok: false; error: SerializedError; cpuMs: number } & Reached);

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    try {
      data[key] = structuredClone(value);
    } catch {
      // Not plain data (a function, a socket): Lambda's error JSON would not carry it either.
    }
  }
  return { name: error.name, message: error.message, stack: error.stack, data };
}

/** The error again, on the twin's side: same name and message, the environment's stack. */
export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  Object.assign(error, serialized.data ?? {});
  return error;
}
