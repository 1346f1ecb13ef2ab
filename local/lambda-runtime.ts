import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { type FunctionSpec, functionName } from '../functions/manifest';

/** The function an invocation belongs to, visible to the local IAM check and the counters. */
export interface Invocation {
  fn: FunctionSpec;
  name: string;
}
export const currentInvocation = new AsyncLocalStorage<Invocation>();

/** Who wants to know how long each invocation took (the benchmarks, to estimate GB-seconds). */
export type InvocationObserver = (functionName: string, durationMs: number, failed: boolean) => void;
export const invocationObservers = new Set<InvocationObserver>();

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Runs manifest handlers in this process the way Lambda would: the module is loaded once
 * (cold start) and reused, each call gets a context with a deadline, and a call that outlives
 * the function's timeout fails as it would in Lambda.
 */
export function createLambdaRuntime(rootDir: string) {
  const modules = new Map<string, Promise<Handler>>();

  const load = (entry: string) => {
    let loaded = modules.get(entry);
    if (!loaded) {
      loaded = import(pathToFileURL(resolve(rootDir, entry)).href).then((mod: { handler?: Handler }) => {
        if (typeof mod.handler !== 'function') throw new Error(`${entry} exports no handler`);
        return mod.handler;
      });
      modules.set(entry, loaded);
    }
    return loaded;
  };

  return {
    async invoke(fn: FunctionSpec, event: unknown): Promise<unknown> {
      const handler = await load(fn.entry);
      const name = functionName(fn);
      const timeoutMs = fn.timeoutSeconds * 1000;
      const deadline = Date.now() + timeoutMs;
      const context: Context = {
        callbackWaitsForEmptyEventLoop: false,
        functionName: name,
        functionVersion: '$LATEST',
        invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
        memoryLimitInMB: String(fn.memoryMb),
        awsRequestId: randomUUID(),
        logGroupName: `/aws/lambda/${name}`,
        logStreamName: 'local',
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
        done: () => undefined,
        fail: () => undefined,
        succeed: () => undefined,
      };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LambdaTimeoutError(name, timeoutMs)), timeoutMs);
      });
      const started = performance.now();
      let failed = false;
      try {
        return await Promise.race([
          currentInvocation.run({ fn, name }, () => handler(event, context)),
          timeout,
        ]);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        clearTimeout(timer);
        for (const observe of invocationObservers) observe(name, performance.now() - started, failed);
      }
    },
    /** Loads every handler now, so the first request does not pay for it. */
    async warm(functions: readonly FunctionSpec[]): Promise<void> {
      await Promise.all(functions.map((fn) => load(fn.entry)));
    },
  };
}

export type LambdaRuntime = ReturnType<typeof createLambdaRuntime>;

export class LambdaTimeoutError extends Error {
  constructor(name: string, ms: number) {
    super(`Task timed out after ${ms / 1000} seconds (${name})`);
    this.name = 'LambdaTimeoutError';
  }
}
