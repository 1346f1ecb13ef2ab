/**
 * The poller's waits, all in one place so that stopping ends every one of them at once and leaves
 * no timer behind. A wait belongs to a kind: `drained()` cuts idle polls short (a test need not
 * sit out a poll interval), and only stopping cuts a retry's back-off short.
 */
export type PauseKind = 'poll' | 'list' | 'backoff';

interface Pending {
  kind: PauseKind;
  timer: NodeJS.Timeout;
  resolve: () => void;
}

export class Pauses {
  private readonly pending = new Set<Pending>();
  private ended = false;

  /** Resolves after `ms`, when woken, or at once if stopped. */
  sleep(ms: number, kind: PauseKind): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      const entry: Pending = {
        kind,
        resolve: () => {
          clearTimeout(entry.timer);
          this.pending.delete(entry);
          resolve();
        },
        // setTimeout takes at most 2^31-1 ms (about 24.8 days) and fires at once beyond it.
        timer: setTimeout(() => entry.resolve(), Math.min(Math.max(0, ms), 2 ** 31 - 1)),
      };
      this.pending.add(entry);
    });
  }

  wake(...kinds: PauseKind[]): void {
    for (const entry of [...this.pending]) if (kinds.includes(entry.kind)) entry.resolve();
  }

  stop(): void {
    this.ended = true;
    for (const entry of [...this.pending]) entry.resolve();
  }
}
