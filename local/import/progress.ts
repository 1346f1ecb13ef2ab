/**
 * Progress on stderr: on a terminal, one line redrawn in place (a bar, rows done of the total,
 * rows per second, time left), at most ten times a second; elsewhere (a pipe, a CI log, where a
 * redrawn line would be thousands of lines of escape codes) a plain line every `plainEveryMs`.
 * Rows per second is measured since the first row was done, so the start-up does not count.
 */
export interface ProgressOptions {
  label: string;
  total: number;
  write: (text: string) => void;
  /** A terminal: redraw in place. */
  tty: boolean;
  now?: () => number;
  plainEveryMs?: number;
  width?: number;
}

export interface Counts {
  created: number;
  existing: number;
  rejected: number;
}

export class Progress {
  private readonly options: Required<Omit<ProgressOptions, 'width'>> & { width: number };
  private started: number | undefined;
  private lastDrawn = Number.NEGATIVE_INFINITY;
  private done = 0;
  private counts: Counts = { created: 0, existing: 0, rejected: 0 };

  constructor(options: ProgressOptions) {
    this.options = {
      now: () => performance.now(),
      plainEveryMs: 10_000,
      width: 24,
      ...options,
    };
  }

  update(done: number, counts: Counts): void {
    const now = this.options.now();
    this.started ??= now;
    this.done = done;
    this.counts = counts;
    const every = this.options.tty ? 100 : this.options.plainEveryMs;
    if (now - this.lastDrawn < every) return;
    this.lastDrawn = now;
    this.draw(now);
  }

  /** The last state, drawn whatever the time, and the line ended. */
  finish(): void {
    this.draw(this.options.now());
    if (this.options.tty) this.options.write('\n');
  }

  /** The line as drawn: exposed for tests. */
  line(now = this.options.now()): string {
    const { total, label, width } = this.options;
    const fraction = total > 0 ? Math.min(1, this.done / total) : 1;
    const seconds = this.started === undefined ? 0 : (now - this.started) / 1000;
    const rate = seconds > 0 ? this.done / seconds : 0;
    const left = rate > 0 ? (total - this.done) / rate : undefined;
    const { created, existing, rejected } = this.counts;
    const figures = [
      `${Math.floor(fraction * 100)}%`,
      `${fmt(this.done)}/${fmt(total)} rows`,
      `${fmt(Math.round(rate))} rows/s`,
      `ETA ${left === undefined ? '--:--' : duration(left)}`,
      `created ${fmt(created)} existing ${fmt(existing)} rejected ${fmt(rejected)}`,
    ].join(' · ');
    if (!this.options.tty) return `${label}: ${figures}`;
    const filled = Math.round(fraction * width);
    return `${label} ▕${'█'.repeat(filled)}${'░'.repeat(width - filled)}▏ ${figures}`;
  }

  private draw(now: number): void {
    const line = this.line(now);
    this.options.write(this.options.tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
