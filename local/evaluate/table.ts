import { openCsv } from '../import/csv-rows';
import { examineFile } from '../import/file-facts';
import { UsageError } from './usage-error';

/**
 * A CSV file for `npm run evaluate`: its header and its readable rows as text, read with the
 * import's own reader (encoding detected, RFC 4180 quoting). Rows that cannot be read are
 * counted, not returned, so an evaluation says how much of the file it used.
 */
export interface Table {
  header: string[];
  rows: string[][];
  unreadable: number;
}

export async function readTable(path: string, delimiter = ','): Promise<Table> {
  const facts = await examineFile(path);
  const file = await openCsv(facts, delimiter);
  const rows: string[][] = [];
  let unreadable = 0;
  for await (const row of file.rows) {
    if ('cells' in row) rows.push(row.cells);
    else unreadable++;
  }
  return { header: file.header, rows, unreadable };
}

/** The index of a named column; a column the file lacks is the command line's mistake (exit 2). */
export function column(table: Table, name: string): number {
  const index = table.header.indexOf(name);
  if (index < 0) throw new UsageError(`No column "${name}"; the file has: ${table.header.join(', ')}.`);
  return index;
}

/** `--seed`: a whole number. */
export function seedOption(text: string | undefined): number {
  const seed = Number(text);
  if (!Number.isInteger(seed)) throw new UsageError('--seed is a whole number.');
  return seed;
}
