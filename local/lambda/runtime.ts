import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { type FunctionSpec, functionName, type TableAccess } from '../../functions/manifest';
import { Environment, type InvocationTag } from './environment';
import type { DynamoRequestRecord, EnvironmentInit } from './messages';

export { LambdaTimeoutError } from './environment';

export interface InvocationRecord {
  functionName: string;
  awsRequestId: string;
  correlationId?: string;
  /** A new environment was created for this invocation, taking `initMs` to load the function. */
  coldStart: boolean;
  initMs?: number;
  /** Charged time by the twin's rule (thread-clock.ts): what Lambda would bill, as an estimate. */
  durationMs: number;
  cpuMs: number;
  wallMs: number;
  /** The error's name when the invocation failed (LambdaTimeoutError when it timed out). */
  error?: string;
}

export interface LogRecord {
  functionName: string;
  line: string;
  stream: 'stdout' | 'stderr';
  awsRequestId?: string;
  correlationId?: string;
}

export interface DynamoRecord extends DynamoRequestRecord {
  functionName: string;
  awsRequestId?: string;
  correlationId?: string;
}

export interface RuntimeObservers {
  invocation: Set<(record: InvocationRecord) => void>;
  log: Set<(record: LogRecord) => void>;
  dynamo: Set<(record: DynamoRecord) => void>;
}

export interface LambdaRuntimeOptions {
  rootDir: string;
  /** The environment variables of a function's environments: what the CDK stack gives the function. */
  environmentOf(fn: FunctionSpec): Record<string, string>;
  /** Physical table name → logical id, for local IAM inside the environments. */
  tableIds: Record<string, keyof TableAccess>;
  /** Environments per function at most; further invocations wait for one to be free. */
  maxEnvironmentsPerFunction?: number;
  /** An environment idle this long is reclaimed, as Lambda reclaims idle ones. */
  idleMs?: number;
  /** Measure each DynamoDB request's capacity units by AWS's rules (benchmarks; adds reads). */
  meterCapacity?: boolean;
  /** Report each DynamoDB request's input (benchmarks that replay them). */
  recordRequests?: boolean;
}

interface Pool {
  all: Set<Environment>;
  idle: Environment[];
  starting: number;
  waiting: Array<() => void>;
  idleTimers: Map<Environment, NodeJS.Timeout>;
}

/**
 * The twin's Lambda: each function runs in execution environments of its own (worker threads,
 * see environment.ts), created on first use — a cold start — and reused warm, one invocation
 * at a time. When every environment of a function is busy and the function has as many as the
 * twin allows, an invocation waits for one (Lambda would create more; the twin's machine has a
 * few cores); the wait is not part of its duration or its time limit.
 */
export function createLambdaRuntime(options: LambdaRuntimeOptions) {
  const maxEnvironments =
    options.maxEnvironmentsPerFunction ??
    (Number(process.env.ORDERLY_TWIN_ENVIRONMENTS) || Math.max(2, 2 * availableParallelism()));
  const idleMs = options.idleMs ?? 10 * 60_000;
  const pools = new Map<string, Pool>();
  const observers: RuntimeObservers = { invocation: new Set(), log: new Set(), dynamo: new Set() };
  let stopped = false;

  const poolOf = (name: string): Pool => {
    let pool = pools.get(name);
    if (!pool) {
      pool = { all: new Set(), idle: [], starting: 0, waiting: [], idleTimers: new Map() };
      pools.set(name, pool);
    }
    return pool;
  };

  const initOf = (fn: FunctionSpec): EnvironmentInit => ({
    functionName: functionName(fn),
    entry: resolve(options.rootDir, fn.entry),
    dynamoClientModule: resolve(options.rootDir, 'functions/shared/db/client.ts'),
    tables: fn.tables,
    tableIds: options.tableIds,
    memoryMb: fn.memoryMb,
    timeoutMs: fn.timeoutSeconds * 1000,
    meterCapacity: options.meterCapacity ?? false,
    recordRequests: options.recordRequests ?? false,
  });

  const hooks = (name: string) => ({
    log: (line: string, stream: 'stdout' | 'stderr', tag: InvocationTag | undefined) => {
      for (const observe of observers.log) observe({ functionName: name, line, stream, ...tag });
    },
    dynamo: (record: DynamoRequestRecord, tag: InvocationTag | undefined) => {
      for (const observe of observers.dynamo)
        observe({
          ...record,
          functionName: name,
          awsRequestId: tag?.awsRequestId,
          correlationId: tag?.correlationId,
        });
    },
  });

  /** An environment of its own for the caller: idle, new (cold), or the next one freed. */
  const acquire = async (fn: FunctionSpec): Promise<{ environment: Environment; cold: boolean }> => {
    const name = functionName(fn);
    const pool = poolOf(name);
    for (;;) {
      if (stopped) throw new Error('The twin is stopping');
      const idle = pool.idle.pop();
      if (idle) {
        clearTimeout(pool.idleTimers.get(idle));
        pool.idleTimers.delete(idle);
        if (idle.alive) return { environment: idle, cold: false };
        pool.all.delete(idle);
        continue;
      }
      if (pool.all.size + pool.starting < maxEnvironments)
        return { environment: await spawn(fn), cold: true };
      await new Promise<void>((wake) => pool.waiting.push(wake));
    }
  };

  /** A new environment of the function: its module loaded and initialised. */
  const spawn = async (fn: FunctionSpec): Promise<Environment> => {
    const name = functionName(fn);
    const pool = poolOf(name);
    pool.starting += 1;
    try {
      const environment = await Environment.create(initOf(fn), options.environmentOf(fn), hooks(name));
      pool.all.add(environment);
      return environment;
    } catch (error) {
      // The function failed to load (as Lambda's Runtime.ImportModuleError): its slot is free again.
      pool.waiting.shift()?.();
      throw error;
    } finally {
      pool.starting -= 1;
    }
  };

  const release = (name: string, environment: Environment) => {
    const pool = poolOf(name);
    if (!environment.alive || stopped) {
      pool.all.delete(environment);
    } else {
      pool.idle.push(environment);
      const timer = setTimeout(() => {
        const at = pool.idle.indexOf(environment);
        if (at < 0) return;
        pool.idle.splice(at, 1);
        pool.all.delete(environment);
        pool.idleTimers.delete(environment);
        void environment.shutdown();
      }, idleMs);
      timer.unref();
      pool.idleTimers.set(environment, timer);
    }
    pool.waiting.shift()?.();
  };

  return {
    observers,

    /** Invokes the function as Lambda's Invoke API would (RequestResponse): its result, or its error. */
    async invoke(fn: FunctionSpec, event: unknown, meta: { correlationId?: string } = {}): Promise<unknown> {
      const name = functionName(fn);
      const tag: InvocationTag = { awsRequestId: randomUUID(), correlationId: meta.correlationId };
      const { environment, cold } = await acquire(fn);
      const base = {
        functionName: name,
        ...tag,
        coldStart: cold,
        ...(cold ? { initMs: environment.initMs } : {}),
      };
      try {
        const outcome = await environment.invoke(event, tag);
        for (const observe of observers.invocation)
          observe({ ...base, durationMs: outcome.durationMs, cpuMs: outcome.cpuMs, wallMs: outcome.wallMs });
        return outcome.result;
      } catch (error) {
        const measured = error as { durationMs?: number; cpuMs?: number };
        for (const observe of observers.invocation)
          observe({
            ...base,
            durationMs: measured.durationMs ?? 0,
            cpuMs: measured.cpuMs ?? 0,
            wallMs: 0,
            error: (error as Error).name,
          });
        throw error;
      } finally {
        release(name, environment);
      }
    },

    /**
     * Lambda's provisioned concurrency: `count` environments of each function initialised now,
     * so invocations that must not pay a cold start (a test racing a short timeout) find them warm.
     */
    async provision(fns: readonly FunctionSpec[], count = 1): Promise<void> {
      await Promise.all(
        fns.map(async (fn) => {
          const name = functionName(fn);
          const pool = poolOf(name);
          const missing = Math.min(count, maxEnvironments) - pool.all.size - pool.starting;
          const created = await Promise.all(Array.from({ length: Math.max(0, missing) }, () => spawn(fn)));
          for (const environment of created) release(name, environment);
        }),
      );
    },

    /** Ends every environment, letting each flush what it holds (coverage, logs). */
    async stop(): Promise<void> {
      stopped = true;
      const all = [...pools.values()].flatMap((pool) => {
        for (const timer of pool.idleTimers.values()) clearTimeout(timer);
        for (const wake of pool.waiting.splice(0)) wake();
        return [...pool.all];
      });
      await Promise.all(
        all.map((environment) => (environment.busy ? environment.terminate() : environment.shutdown())),
      );
    },
  };
}

export type LambdaRuntime = ReturnType<typeof createLambdaRuntime>;
