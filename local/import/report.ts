import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { csvLine } from '../../functions/shared/http/csv';

/**
 * The rows an import left out or that the API refused, one CSV line each, written as they happen
 * (memory holds the counts, not the lines), and the counts by reason for the summary.
 *
 * Columns: `row` (the spreadsheet row: the header is 1), `rows` (how many rows the entry covers:
 * an order or a merged customer is several), `key` (the order reference, SKU…), `reason` (a
 * skip rule's, the file's — bad-encoding, wrong-field-count, malformed-row, unparseable-number,
 * unparseable-date, missing-value —, the mapping's — conflicting-values, incomplete-order — or the
 * API's problem type: validation-error, not-found…), `source` (skip-rule, file, mapping, api) and
 * `detail`. Cells that look like formulas are guarded (a row opened in a spreadsheet runs nothing).
 */
export type ReportSource = 'skip-rule' | 'file' | 'mapping' | 'api';

export interface ReportEntry {
  row: number;
  rows?: number;
  key?: string;
  reason: string;
  source: ReportSource;
  detail: string;
}

export interface ReasonCount {
  reason: string;
  source: ReportSource;
  entries: number;
  rows: number;
}

export class RejectionReport {
  readonly path: string;
  private readonly fd: number;
  private readonly counts = new Map<string, ReasonCount>();

  constructor(path: string) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w', 0o600);
    writeSync(this.fd, csvLine(['row', 'rows', 'key', 'reason', 'source', 'detail']));
  }

  add(entry: ReportEntry): void {
    const rows = entry.rows ?? 1;
    writeSync(this.fd, csvLine([entry.row, rows, entry.key ?? '', entry.reason, entry.source, entry.detail]));
    const id = `${entry.source}:${entry.reason}`;
    const count = this.counts.get(id) ?? { reason: entry.reason, source: entry.source, entries: 0, rows: 0 };
    count.entries++;
    count.rows += rows;
    this.counts.set(id, count);
  }

  /** Counts by reason, the most rows first. */
  byReason(): ReasonCount[] {
    return [...this.counts.values()].sort((a, b) => b.rows - a.rows || a.reason.localeCompare(b.reason));
  }

  close(): void {
    closeSync(this.fd);
  }
}
