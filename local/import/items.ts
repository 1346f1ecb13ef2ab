import type { CsvRow } from './csv-rows';
import { FieldTally } from './pick';
import {
  type BoundMapping,
  type FieldValue,
  itemOf,
  OMIT,
  type RowProblem,
  withCompanions,
} from './row-mapper';

/**
 * Rows become the items one batch API takes, in three ways:
 *
 * - **One row, one item** (no `key`): streamed; memory holds one row.
 * - **Orders** (`key` = the order reference): an order's rows are consecutive in the file, as
 *   exports write them, and become one order with a line per row. Streamed: memory holds the one
 *   open order's lines. (The survey pass, ./survey.ts, has already refused a file whose orders
 *   are not together, before anything was sent.) An order with a refused row is refused whole —
 *   an order missing a line would be a wrong order, not a smaller one. Rows left out by a skip
 *   rule (a postage line) are simply not lines.
 * - **Merged** (`key` on customers, products, needs): the rows of one key may be anywhere (a
 *   customer on every invoice line), so they are tallied in memory — one entry per key and per
 *   distinct picked value, never per row — and the items come out after the last row, in the
 *   order their keys first appeared.
 *
 * Items are numbered in order from 0: the number, the file's hash and the mapping's identify an
 * item across runs (resume, Idempotency-Keys).
 */
export type ImportEvent =
  | {
      type: 'row-problem';
      row: number;
      key?: string;
      reason: string;
      detail: string;
      source: 'skip-rule' | 'file';
    }
  | { type: 'item'; item: PendingItem }
  | {
      type: 'item-problem';
      index: number;
      key: string;
      firstRow: number;
      rows: number;
      reason: string;
      detail: string;
    };

export interface PendingItem {
  index: number;
  key?: string;
  firstRow: number;
  /** Rows the item was made of. */
  rows: number;
  /** orders: each line's row, so the API's complaint about line n names its row. */
  lineRows?: number[];
  body: Record<string, unknown>;
}

type Values = Record<string, FieldValue>;
const isProblem = (value: Values | RowProblem | string): value is RowProblem =>
  typeof value === 'object' && 'reason' in value && typeof value.reason === 'string' && 'detail' in value;

export async function* importEvents(
  rows: AsyncIterable<CsvRow>,
  bound: BoundMapping,
  mode: 'rows' | 'orders' | 'merged',
): AsyncGenerator<ImportEvent> {
  if (mode === 'rows') yield* oneItemPerRow(rows, bound);
  else if (mode === 'orders') yield* orders(rows, bound);
  else yield* merged(rows, bound);
}

/** The event for a row that makes no item: why, and whether a skip rule or the file said so. */
const rowProblem = (
  row: number,
  problem: { reason: string; detail: string; source: 'skip-rule' | 'file' },
): ImportEvent & { type: 'row-problem' } => ({
  type: 'row-problem',
  row,
  reason: problem.reason,
  detail: problem.detail,
  source: problem.source,
});

/** A row's skip, its unreadable cells or its values: the first thing that applies. */
function readRow(row: CsvRow, bound: BoundMapping) {
  if ('problem' in row) return { kind: 'problem' as const, source: 'file' as const, ...row.problem };
  const skip = bound.skip(row.cells);
  if (skip) return { kind: 'problem' as const, source: 'skip-rule' as const, ...skip };
  const key = bound.key?.(row.cells);
  if (key !== undefined && typeof key !== 'string')
    return { kind: 'problem' as const, source: 'file' as const, ...key };
  const fields = bound.fields(row.cells);
  if (isProblem(fields)) return { kind: 'problem' as const, source: 'file' as const, key, ...fields };
  const line = bound.line?.(row.cells);
  if (line && isProblem(line)) return { kind: 'problem' as const, source: 'file' as const, key, ...line };
  return { kind: 'values' as const, key, fields, line: line as Values | undefined };
}

async function* oneItemPerRow(rows: AsyncIterable<CsvRow>, bound: BoundMapping): AsyncGenerator<ImportEvent> {
  let index = 0;
  for await (const row of rows) {
    const read = readRow(row, bound);
    if (read.kind === 'problem') {
      yield rowProblem(row.row, read);
      continue;
    }
    yield { type: 'item', item: { index: index++, firstRow: row.row, rows: 1, body: itemOf(read.fields) } };
  }
}

/** Fields picked over an item's rows, or why the item cannot be made. */
class ItemTally {
  readonly firstRow: number;
  rows = 0;
  private readonly bound: BoundMapping;
  private readonly tallies = new Map<string, FieldTally>();

  constructor(bound: BoundMapping, firstRow: number) {
    this.bound = bound;
    this.firstRow = firstRow;
  }

  add(values: Values, row: number): void {
    this.rows++;
    for (const [path, value] of Object.entries(values)) {
      let tally = this.tallies.get(path);
      if (!tally) {
        tally = new FieldTally(this.bound.picks[path]);
        this.tallies.set(path, tally);
      }
      tally.add(value, row);
    }
  }

  result(): { body: Record<string, unknown> } | RowProblem {
    const values: Values = {};
    for (const [path, tally] of this.tallies) {
      const picked = tally.result(path);
      if ('conflict' in picked) return { reason: 'conflicting-values', detail: picked.conflict };
      values[path] = picked.value;
    }
    withCompanions(values, this.bound.companions);
    for (const [path, label] of this.bound.required)
      if (values[path] === undefined || values[path] === OMIT)
        return { reason: 'missing-value', detail: `${label} is empty on every row of this item` };
    return { body: itemOf(values) };
  }
}

async function* orders(rows: AsyncIterable<CsvRow>, bound: BoundMapping): AsyncGenerator<ImportEvent> {
  let index = 0;
  let open:
    | {
        key: string;
        tally: ItemTally;
        lines: Values[];
        lineRows: number[];
        refused?: { row: number; reason: string };
      }
    | undefined;
  const close = (): ImportEvent | undefined => {
    if (!open) return undefined;
    const { key, tally, lines, lineRows, refused } = open;
    open = undefined;
    const at = { index: index++, key, firstRow: tally.firstRow, rows: tally.rows };
    if (refused)
      return {
        type: 'item-problem',
        ...at,
        reason: 'incomplete-order',
        detail: `row ${refused.row} was refused (${refused.reason}), so the order is not imported: an order comes in whole or not at all`,
      };
    const made = tally.result();
    if ('reason' in made) return { type: 'item-problem', ...at, ...made };
    return { type: 'item', item: { ...at, lineRows, body: { ...made.body, lines: lines.map(itemOf) } } };
  };
  // A row that cannot be read has no key: it belongs to the order around it, or — between two
  // orders — to either, so it refuses both rather than let one in without a line.
  let unreadable: { row: number; reason: string } | undefined;
  for await (const row of rows) {
    const read = readRow(row, bound);
    if (read.kind === 'problem' && read.source === 'skip-rule') {
      yield rowProblem(row.row, read);
      continue;
    }
    const key = read.key;
    if (key === undefined) {
      if (read.kind === 'problem') yield rowProblem(row.row, read);
      unreadable ??= { row: row.row, reason: read.kind === 'problem' ? read.reason : 'missing-value' };
      if (open) open.refused ??= unreadable;
      continue;
    }
    if (open && open.key !== key) {
      const done = close();
      if (done) yield done;
    }
    open ??= { key, tally: new ItemTally(bound, row.row), lines: [], lineRows: [] };
    if (unreadable) {
      open.refused ??= unreadable;
      unreadable = undefined;
    }
    if (read.kind === 'problem') {
      yield { ...rowProblem(row.row, read), key };
      open.refused ??= { row: row.row, reason: read.reason };
      continue;
    }
    open.tally.add(read.fields, row.row);
    open.lines.push(read.line as Values);
    open.lineRows.push(row.row);
  }
  const last = close();
  if (last) yield last;
}

async function* merged(rows: AsyncIterable<CsvRow>, bound: BoundMapping): AsyncGenerator<ImportEvent> {
  const items = new Map<string, ItemTally>();
  for await (const row of rows) {
    const read = readRow(row, bound);
    if (read.kind === 'problem') {
      yield rowProblem(row.row, read);
      continue;
    }
    const key = read.key as string;
    let tally = items.get(key);
    if (!tally) {
      tally = new ItemTally(bound, row.row);
      items.set(key, tally);
    }
    tally.add(read.fields, row.row);
  }
  let index = 0;
  for (const [key, tally] of items) {
    const at = { index: index++, key, firstRow: tally.firstRow, rows: tally.rows };
    const made = tally.result();
    if ('reason' in made) yield { type: 'item-problem', ...at, ...made };
    else yield { type: 'item', item: { ...at, body: made.body } };
    items.delete(key); // the item is on its way: its tally is no longer needed
  }
}
