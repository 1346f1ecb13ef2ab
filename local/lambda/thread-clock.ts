import { readFileSync } from 'node:fs';

/**
 * How long an invocation has taken, by the twin's rule: the wall-clock time since it started
 * minus the time its environment's thread spent runnable but waiting for a CPU.
 *
 * Lambda gives every execution environment a CPU share of its own; the twin runs all of them on
 * the machine's few cores, next to DynamoDB Local and whatever else the machine is doing. Counting
 * wall-clock time would turn a saturated machine into timeouts. Counting only CPU time would let
 * an invocation hung on I/O run forever. What the kernel reports per thread
 * (`/proc/<pid>/task/<tid>/schedstat`: time on a CPU, time waiting on a run queue) lets the twin
 * count what Lambda counts — the invocation's own computing and its waits on I/O and timers —
 * without the time the machine could not give it a CPU. A handler that computes or waits past its
 * limit still times out, on a busy machine as on an idle one.
 *
 * Where the kernel does not report it (not Linux), the rule falls back to wall-clock time.
 */
export interface ThreadClock {
  /** Milliseconds charged to the thread since `start`, by the rule above. */
  elapsedMs(): number;
  /** Milliseconds the thread spent on a CPU since `start`. */
  cpuMs(): number;
}

interface SchedStat {
  runNs: number;
  waitNs: number;
}

export function readSchedStat(path: string): SchedStat | undefined {
  try {
    const [run, wait] = readFileSync(path, 'utf8').trim().split(/\s+/);
    const runNs = Number(run);
    const waitNs = Number(wait);
    return Number.isFinite(runNs) && Number.isFinite(waitNs) ? { runNs, waitNs } : undefined;
  } catch {
    return undefined;
  }
}

/** The schedstat file of a thread of this process, by its kernel thread id. */
export const schedStatPath = (tid: number) => `/proc/${process.pid}/task/${tid}/schedstat`;

/** The calling thread's own kernel thread id, or undefined where /proc does not tell. */
export function currentThreadId(): number | undefined {
  try {
    const tid = Number(readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0]);
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a clock for the thread whose schedstat file is `path` (undefined: wall-clock only).
 * `now` is the wall clock in milliseconds (tests pass their own).
 */
export function startThreadClock(
  path: string | undefined,
  now: () => number = () => performance.now(),
): ThreadClock {
  const started = now();
  const first = path ? readSchedStat(path) : undefined;
  const latest = () => (path && first ? readSchedStat(path) : undefined);
  return {
    elapsedMs() {
      const wall = now() - started;
      const current = latest();
      if (!first || !current) return wall;
      return Math.max(0, wall - (current.waitNs - first.waitNs) / 1e6);
    },
    cpuMs() {
      const current = latest();
      if (!first || !current) return now() - started;
      return (current.runNs - first.runNs) / 1e6;
    },
  };
}
