import type { CsvRow } from './csv-rows';
import type { BoundMapping } from './row-mapper';

/**
 * A read of every row before anything is sent: how many there are (the progress bar's total,
 * so its ETA means something) and, for orders, whether each order's rows are together. Orders
 * are streamed one at a time (./items.ts), so an order whose rows came back later in the file
 * would arrive as two halves: that is refused here, before the first request, not discovered
 * half-way. Memory: the set of order references already closed (tens of bytes each).
 */
export interface Survey {
  rows: number;
  scattered?: { key: string; firstRow: number; lastRow: number; againRow: number };
}

export async function surveyRows(
  rows: AsyncIterable<CsvRow>,
  bound: BoundMapping,
  grouped: boolean,
): Promise<Survey> {
  let count = 0;
  const closed = new Set<string>();
  let open: { key: string; firstRow: number; lastRow: number } | undefined;
  let firstRowOf = new Map<string, [number, number]>();
  for await (const row of rows) {
    count++;
    if (!grouped || 'problem' in row || bound.skip(row.cells)) continue;
    const key = bound.key?.(row.cells);
    if (typeof key !== 'string') continue;
    if (open?.key === key) {
      open.lastRow = row.row;
      continue;
    }
    if (closed.has(key)) {
      const [firstRow, lastRow] = firstRowOf.get(key) ?? [0, 0];
      return { rows: count, scattered: { key, firstRow, lastRow, againRow: row.row } };
    }
    if (open) {
      closed.add(open.key);
      // Only the last few orders' ranges are kept, for the message: enough to name where it was.
      firstRowOf.set(open.key, [open.firstRow, open.lastRow]);
      if (firstRowOf.size > 10_000) firstRowOf = new Map([...firstRowOf].slice(-1000));
    }
    open = { key, firstRow: row.row, lastRow: row.row };
  }
  return { rows: count };
}
