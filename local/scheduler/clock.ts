import { MAX_TIMER_SECONDS } from '../workflow/timers';

/** Time as the scheduler sees it: the real one by default, a fake one in tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    // The twin's server keeps the process alive; a schedule alone must not.
    const timer = setTimeout(fn, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

const MAX_TIMER_MS = MAX_TIMER_SECONDS * 1000;

/**
 * Calls `fire` once the clock reads `dueMs` or later, however far off that is (Node fires a
 * timeout above ~24.8 days after 1 ms), re-reading the clock at each step so that a timer that
 * wakes early (the wall clock was set back) waits on rather than firing. Returns a cancel function.
 */
export function fireAt(clock: Clock, dueMs: number, fire: () => void): () => void {
  let handle: unknown;
  const wait = () => {
    handle = clock.setTimeout(check, Math.min(Math.max(0, dueMs - clock.now()), MAX_TIMER_MS));
  };
  const check = () => (clock.now() < dueMs ? wait() : fire());
  wait();
  return () => clock.clearTimeout(handle);
}
