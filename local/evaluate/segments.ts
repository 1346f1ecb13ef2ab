import { parseArgs } from 'node:util';
import { type SegmentationResult, segmentCustomers } from '../../functions/analysis/segments/segment';
import { column, readTable, seedOption } from './table';
import { UsageError } from './usage-error';

/**
 * `npm run evaluate -- segments <file.csv> --features a,b,c [--k auto|N] [--seed S] [--id col]`:
 * customer segmentation on anyone's numeric columns, exactly as a run segments customers
 * (functions/analysis/segments/segment.ts): each column log1p-transformed when it is a long-tailed
 * count or amount (every value ≥ 0 and skewness above 1 — a CSV does not say which columns are
 * money), z-scored, k-means for k = 2…8 (or the k given), k chosen by silhouette. Prints every
 * candidate's silhouette, inertia, iterations and sizes, then each segment's size, label and
 * centroid in the file's own units. Rows with a blank or non-numeric value in a feature are
 * left out and counted.
 */
export async function evaluateSegments(args: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      features: { type: 'string' },
      k: { type: 'string', default: 'auto' },
      seed: { type: 'string', default: '1' },
      id: { type: 'string' },
    },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError('Name one file: segments <file.csv> --features a,b,c.');
  if (!values.features) throw new UsageError('Say which numeric columns to segment on: --features a,b,c.');
  const k = values.k === 'auto' ? 'auto' : Number(values.k);
  if (k !== 'auto' && !(Number.isInteger(k) && k >= 2))
    throw new UsageError('--k is auto or a whole number of at least 2.');
  const seed = seedOption(values.seed);

  const table = await readTable(file);
  const names = values.features.split(',').map((name) => name.trim());
  const columns = names.map((name) => column(table, name));
  const idColumn = values.id === undefined ? undefined : column(table, values.id);

  const ids: string[] = [];
  const numbers: number[] = [];
  let skipped = 0;
  table.rows.forEach((row, index) => {
    const parsed = columns.map((c) => parseNumber(row[c]));
    if (parsed.some((value) => value === undefined)) {
      skipped++;
      return;
    }
    ids.push(idColumn === undefined ? String(index + 1) : (row[idColumn] ?? ''));
    numbers.push(...(parsed as number[]));
  });
  const result = segmentCustomers({ ids, names, values: Float64Array.from(numbers) }, { k, seed });
  return report(file, ids.length, skipped, table.unreadable, seed, result).join('\n');
}

/** A plain decimal number ("1234.5", "-3", "1e3"); blanks and text are not numbers. */
function parseNumber(cell: string | undefined): number | undefined {
  const text = (cell ?? '').trim();
  if (text === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function report(
  file: string,
  rows: number,
  skipped: number,
  unreadable: number,
  seed: number,
  result: SegmentationResult,
): string[] {
  const lines = [
    `Segments of ${file}: ${rows} rows on ${result.features.join(', ')}; ` +
      `${skipped} left out (blank or not a number), ${unreadable} unreadable; seed ${seed}.`,
    `Transforms before z-scoring: ${result.features.map((f) => `${f} ${result.transforms[f]}`).join(', ')}.`,
    `Silhouette ${result.silhouetteSample === null ? 'exact' : `on a sample of ${result.silhouetteSample} rows`}.`,
    '',
    table(
      ['k', 'silhouette', 'inertia', 'iterations', 'sizes'],
      result.candidates.map((c) => [
        String(c.k),
        c.silhouette.toFixed(4),
        c.inertia.toFixed(2),
        String(c.iterations),
        c.sizes.join(' '),
      ]),
    ),
    '',
    `k = ${result.k} (${result.chosenBy === 'given' ? 'given' : 'highest silhouette'}).`,
    '',
    table(
      ['segment', 'size', 'label', ...result.features],
      result.segments.map((s) => [
        String(s.id),
        String(s.size),
        s.label,
        ...result.features.map((f) => String(s.centroid[f])),
      ]),
    ),
    '',
    'Centroids in the file’s units (for log1p columns the typical member: expm1 of the mean log).',
  ];
  return lines;
}

/** Left-aligned text columns, two spaces apart. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, c) =>
    Math.max(title.length, ...rows.map((row) => (row[c] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c] as number))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
