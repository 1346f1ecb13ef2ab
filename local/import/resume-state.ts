import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * What an import has got in, kept under .data/imports/ so that running the same command again
 * after an interruption (Ctrl-C, a crash, the twin stopping) sends only the rest.
 *
 * Keyed by what decides the items — the kind, the file's SHA-256, the mapping's, the encoding —
 * and by where they go — the API's URL and the token's tenant (the same file imported into
 * another tenant starts from nothing). It records the items (by their number in the file) that
 * the API answered `created` or `existing`, as ranges, written atomically after every batch. Items
 * the API rejected are not "in": a second run sends them again, so a fix made meanwhile (the
 * customers imported before their orders) lets them in.
 *
 * The state is an optimisation, not the guarantee: without it, a re-run sends everything again
 * and the API answers `existing` for what it has (natural keys), and a batch re-sent after a lost
 * answer carries the same Idempotency-Key (./batches.ts).
 */
export interface StateIdentity {
  kind: string;
  fileSha256: string;
  mappingSha256: string;
  encoding: string;
  url: string;
  tenant: string;
}

interface StateFile {
  version: 1;
  identity: StateIdentity;
  file: string;
  /** Item numbers in, as sorted, disjoint, inclusive ranges. */
  done: [number, number][];
  runs: number;
  startedAt: string;
  updatedAt: string;
}

export class ResumeState {
  readonly path: string;
  private state: StateFile;

  private constructor(path: string, state: StateFile) {
    this.path = path;
    this.state = state;
  }

  /** The state of this import: the one a previous run left, or a fresh one. */
  static open(dir: string, identity: StateIdentity, file: string, now = new Date()): ResumeState {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const id = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
    const name = basename(file)
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .slice(0, 60);
    const path = join(dir, `${identity.kind}-${name}-${id}.json`);
    let state: StateFile | undefined;
    try {
      const read = JSON.parse(readFileSync(path, 'utf8')) as StateFile;
      if (read.version === 1 && JSON.stringify(read.identity) === JSON.stringify(identity)) state = read;
    } catch {
      // None yet (or unreadable): start from nothing; the API's natural keys make re-sent items `existing`.
    }
    state ??= {
      version: 1,
      identity,
      file,
      done: [],
      runs: 0,
      startedAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    state.runs++;
    return new ResumeState(path, state);
  }

  get runs(): number {
    return this.state.runs;
  }

  /** How many items are in. */
  get doneCount(): number {
    return this.state.done.reduce((sum, [from, to]) => sum + to - from + 1, 0);
  }

  has(index: number): boolean {
    const ranges = this.state.done;
    let low = 0;
    let high = ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const [from, to] = ranges[middle] as [number, number];
      if (index < from) high = middle - 1;
      else if (index > to) low = middle + 1;
      else return true;
    }
    return false;
  }

  add(indexes: Iterable<number>): void {
    const ranges = this.state.done;
    for (const index of indexes) {
      if (this.has(index)) continue;
      ranges.push([index, index]);
    }
    ranges.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const range of ranges) {
      const last = merged.at(-1);
      if (last && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1]);
      else merged.push([range[0], range[1]]);
    }
    this.state.done = merged;
  }

  /** Written to a temporary file and renamed: a crash mid-write leaves the previous state whole. */
  save(now = new Date()): void {
    this.state.updatedAt = now.toISOString();
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.state)}\n`, { mode: 0o600 });
    renameSync(temporary, this.path);
  }
}
