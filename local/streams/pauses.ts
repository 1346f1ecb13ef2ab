/**
 * The poller's waits, all in one place so that stopping ends every one of them at once and leaves
 * no timer behind. A wait belongs to a kind: `drained()` cuts idle polls short (a test need not
 * sit out a poll interval), a poke shortens them to the base poll interval, and only stopping
 * cuts a retry's back-off short.
 */
export type PauseKind = 'poll' | 'list' | 'backoff';

interface Pending {
  kind: PauseKind;
  /** When the wait began (monotonic ms). */
  since: number;
  /** When it ends unless woken or shortened (monotonic ms). */
  until: number;
  timer: NodeJS.Timeout;
  resolve: () => void;
}

/** setTimeout takes at most 2^31-1 ms (about 24.8 days) and fires at once beyond it. */
const timerMs = (ms: number) => Math.min(Math.max(0, ms), 2 ** 31 - 1);

export class Pauses {
  private readonly pending = new Set<Pending>();
  private ended = false;

  /** Resolves after `ms`, when woken, or at once if stopped. */
  sleep(ms: number, kind: PauseKind): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      const since = performance.now();
      const entry: Pending = {
        kind,
        since,
        until: since + ms,
        resolve: () => {
          clearTimeout(entry.timer);
          this.pending.delete(entry);
          resolve();
        },
        timer: setTimeout(() => entry.resolve(), timerMs(ms)),
      };
      this.pending.add(entry);
    });
  }

  /** Waits of these kinds that would last longer than `ms` from their start end `ms` after it. */
  shorten(ms: number, ...kinds: PauseKind[]): void {
    const now = performance.now();
    for (const entry of this.pending) {
      if (!kinds.includes(entry.kind) || entry.until <= entry.since + ms) continue;
      clearTimeout(entry.timer);
      entry.until = entry.since + ms;
      entry.timer = setTimeout(() => entry.resolve(), timerMs(entry.until - now));
    }
  }

  wake(...kinds: PauseKind[]): void {
    for (const entry of [...this.pending]) if (kinds.includes(entry.kind)) entry.resolve();
  }

  stop(): void {
    this.ended = true;
    for (const entry of [...this.pending]) entry.resolve();
  }
}
