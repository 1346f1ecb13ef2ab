import { Worker } from 'node:worker_threads';
import { EmulatorWaits } from './emulator-waits';
import {
  type DynamoRequestRecord,
  deserializeError,
  type EnvironmentInit,
  type EnvironmentWorkerData,
  type FromEnvironment,
  type ToEnvironment,
} from './messages';
import { mergeCoverage, mutantVariables } from './mutation-bridge';
import { schedStatPath, startThreadClock } from './thread-clock';

const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url);

export interface EnvironmentHooks {
  /** A whole line the function wrote, with the invocation it belongs to (none: during init). */
  log(line: string, stream: 'stdout' | 'stderr', invocation: InvocationTag | undefined): void;
  dynamo(record: DynamoRequestRecord, invocation: InvocationTag | undefined): void;
}

/** What the twin knows of an invocation: its request id, and what it correlates with (an HTTP request id, an execution). */
export interface InvocationTag {
  awsRequestId: string;
  correlationId?: string;
}

export interface InvocationOutcome {
  result: unknown;
  /** Time charged by the twin's rule (thread-clock.ts, emulator-waits.ts). */
  durationMs: number;
  wallMs: number;
  cpuMs: number;
}

/** The function ran past its time limit; its environment is gone, as Lambda's would be. */
export class LambdaTimeoutError extends Error {
  constructor(name: string, ms: number) {
    super(`Task timed out after ${(ms / 1000).toFixed(2)} seconds (${name})`);
    this.name = 'LambdaTimeoutError';
  }
}

/** The environment died under the invocation (an uncaught error, process.exit): Lambda's Runtime.ExitError. */
export class RuntimeExitError extends Error {
  constructor(name: string, detail: string) {
    super(`Runtime exited during the invocation of ${name}: ${detail}`);
    this.name = 'Runtime.ExitError';
  }
}

/**
 * One Lambda execution environment of the twin: a worker thread with its own module graph, its
 * own SDK clients and its own globals, serving one invocation at a time. An invocation that
 * passes its function's time limit (by the rule in thread-clock.ts) is terminated together
 * with the environment, so it cannot write anything after its caller was told it timed out.
 */
export class Environment {
  readonly functionName: string;
  readonly initMs: number;
  private readonly worker: Worker;
  private readonly timeoutMs: number;
  private readonly tid: number | undefined;
  private readonly hooks: EnvironmentHooks;
  private readonly emulatorWaits: EmulatorWaits;
  private current: { id: number; tag: InvocationTag } | undefined;
  /** Recent invocations by id: a line written after an invocation returned still belongs to it. */
  private readonly tags = new Map<number, InvocationTag>();
  private nextId = 1;
  private dead: Error | undefined;
  private partial = { stdout: '', stderr: '' };
  private onDone?: (message: Extract<FromEnvironment, { type: 'done' }>) => void;
  private onDeath?: (error: Error) => void;

  private constructor(
    worker: Worker,
    init: EnvironmentInit,
    ready: { initMs: number; tid?: number },
    hooks: EnvironmentHooks,
    emulatorWaits: EmulatorWaits,
  ) {
    this.worker = worker;
    this.functionName = init.functionName;
    this.timeoutMs = init.timeoutMs;
    this.initMs = ready.initMs;
    this.tid = ready.tid;
    this.hooks = hooks;
    this.emulatorWaits = emulatorWaits;
  }

  /** Creates the environment and loads its function: a cold start. */
  static create(
    init: EnvironmentInit,
    env: Record<string, string>,
    hooks: EnvironmentHooks,
  ): Promise<Environment> {
    const emulatorWaits = new EmulatorWaits();
    const workerData: EnvironmentWorkerData = { ...init, emulatorWaits: emulatorWaits.buffer };
    const worker = new Worker(WORKER_ENTRY, {
      workerData,
      env: { ...env, ...mutantVariables() },
      // Lambda's environment has its own memory; a runaway function cannot take the twin's.
      resourceLimits: { maxOldGenerationSizeMb: init.memoryMb },
      stdout: false,
      stderr: false,
      execArgv: [],
    });
    return new Promise((resolve, reject) => {
      let environment: Environment | undefined;
      const early: FromEnvironment[] = [];
      worker.on('message', (message: FromEnvironment) => {
        if (environment) return environment.receive(message);
        if (message.type === 'ready') {
          mergeCoverage(message.coverage);
          environment = new Environment(worker, init, message, hooks, emulatorWaits);
          for (const m of early) environment.receive(m);
          resolve(environment);
        } else if (message.type === 'init-failed') {
          reject(deserializeError(message.error));
        } else {
          early.push(message);
        }
      });
      worker.on('error', (error) => {
        if (environment) environment.die(error);
        else reject(error);
      });
      worker.on('exit', (code) => {
        const error = new RuntimeExitError(init.functionName, `exit code ${code}`);
        if (environment) environment.die(error);
        else reject(error);
      });
    });
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  invoke(event: unknown, tag: InvocationTag): Promise<InvocationOutcome> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.current) return Promise.reject(new Error(`${this.functionName}: environment is busy`));
    const id = this.nextId++;
    this.current = { id, tag };
    this.tags.set(id, tag);
    this.tags.delete(id - 16);
    const clock = startThreadClock(this.tid === undefined ? undefined : schedStatPath(this.tid));
    const waitsBefore = this.emulatorWaits.reading();
    // The limit's clock: the thread clock's rule, less the waiting on DynamoDB Local that DynamoDB
    // itself would not have cost (emulator-waits.ts).
    const chargedMs = () => clock.elapsedMs() - this.emulatorWaits.excusedMsSince(waitsBefore);
    const wallStarted = performance.now();

    return new Promise<InvocationOutcome>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(timer);
        this.current = undefined;
        this.onDone = undefined;
        this.onDeath = undefined;
      };
      // Re-checked when the limit could have been reached: time the thread waited for a CPU, and
      // DynamoDB Local's slowness on a busy machine, do not count, so the wall-clock deadline moves out.
      const check = () => {
        const remaining = this.timeoutMs - chargedMs();
        if (remaining > 0) {
          timer = setTimeout(check, Math.max(remaining, 5));
          return;
        }
        settle();
        const error = new LambdaTimeoutError(this.functionName, this.timeoutMs);
        this.terminate(error);
        reject(error);
      };
      timer = setTimeout(check, this.timeoutMs);
      this.onDone = (message) => {
        const durationMs = Math.max(0, chargedMs());
        settle();
        if (message.ok) {
          resolve({
            result: message.result,
            durationMs,
            wallMs: performance.now() - wallStarted,
            cpuMs: message.cpuMs,
          });
        } else {
          reject(Object.assign(deserializeError(message.error), { durationMs, cpuMs: message.cpuMs }));
        }
      };
      this.onDeath = (error) => {
        settle();
        reject(error);
      };
      this.send({ type: 'invoke', id, event, awsRequestId: tag.awsRequestId });
    });
  }

  /** Ends the environment; a function in flight is cut off where it is. */
  terminate(reason: Error = new Error(`${this.functionName}: environment terminated`)): Promise<void> {
    this.die(reason);
    return this.worker.terminate().then(() => undefined);
  }

  /** Lets the environment end by itself (its coverage and buffers are flushed), or ends it after `graceMs`. */
  async shutdown(graceMs = 2_000): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.send({ type: 'shutdown' });
    const timer = setTimeout(() => void this.worker.terminate(), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private send(message: ToEnvironment): void {
    this.worker.postMessage(message);
  }

  private die(error: Error): void {
    if (this.dead) return;
    this.dead = error;
    this.flushLogs();
    this.onDeath?.(error);
  }

  private receive(message: FromEnvironment): void {
    const tag = 'id' in message && message.id !== undefined ? this.tags.get(message.id) : undefined;
    if (message.type === 'log') this.collectLog(message.stream, message.text, tag);
    else if (message.type === 'dynamo') this.hooks.dynamo(message.record, tag);
    else if (message.type === 'done') mergeCoverage(message.coverage);
    if (message.type === 'done' && message.id === this.current?.id) {
      this.flushLogs();
      this.onDone?.(message);
    }
  }

  private collectLog(stream: 'stdout' | 'stderr', text: string, tag: InvocationTag | undefined): void {
    const lines = (this.partial[stream] + text).split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) if (line) this.hooks.log(line, stream, tag);
  }

  private flushLogs(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream];
      this.partial[stream] = '';
      if (rest) this.hooks.log(rest, stream, this.current?.tag);
    }
  }
}
