import { parseArgs } from 'node:util';
import type { Measure } from '../../functions/analysis/recommendations/cooccurrence';
import { MEASURES } from '../../functions/analysis/recommendations/cooccurrence';
import {
  evaluateHoldout,
  type HitRate,
  type HoldoutFigures,
} from '../../functions/analysis/recommendations/holdout';
import type { Basket } from '../../functions/analysis/recommendations/model';
import { column, readTable } from './table';
import { UsageError } from './usage-error';

/**
 * `npm run evaluate -- recommendations <orders.csv> --customer <col> --item <col> --time <col>`:
 * the co-occurrence recommender against the popularity baseline on a time split of the file's
 * orders (functions/analysis/recommendations/holdout.ts says exactly what is measured).
 */
export const RECOMMENDATIONS_USAGE = `npm run evaluate -- recommendations <orders.csv> --customer <col> --item <col> --time <col>
      [--order <col>] [--quantity <col>] [--exclude <item,item,…>] [--holdout-days 30] [--k 10]
      [--measure ${MEASURES.join('|')}] [--min-support 2] [--max-basket-items 100]
  One row per order line. Rows group into baskets by --order (else by customer and time); rows
  with --quantity ≤ 0 (returns) and the --exclude items (postage, fees) are left out. The last
  --holdout-days of the data are held out; prints hit rate@k of the recommender and of the
  popularity baseline over the customers who bought before and something new within.`;

export interface RecommendationsEvaluation {
  figures: HoldoutFigures;
  measure: Measure;
  minSupport: number;
  maxBasketItems: number;
  file: string;
  rows: { read: number; used: number; skipped: Record<string, number>; unreadable: number };
}

export async function evaluateRecommendations(args: string[]): Promise<string> {
  return formatRecommendations(await measureRecommendations(args));
}

/** Reads the file once and evaluates: the figures, for the report and for tests. */
export async function measureRecommendations(args: string[]): Promise<RecommendationsEvaluation> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      customer: { type: 'string' },
      item: { type: 'string' },
      time: { type: 'string' },
      order: { type: 'string' },
      quantity: { type: 'string' },
      exclude: { type: 'string' },
      'holdout-days': { type: 'string', default: '30' },
      k: { type: 'string', default: '10' },
      measure: { type: 'string', default: 'jaccard' },
      'min-support': { type: 'string', default: '2' },
      'max-basket-items': { type: 'string', default: '100' },
    },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError('Name one orders file: recommendations <orders.csv> …');
  for (const option of ['customer', 'item', 'time'] as const)
    if (!values[option]) throw new UsageError(`Say which column holds the ${option}: --${option} <column>.`);
  const measure = values.measure as Measure;
  if (!(MEASURES as readonly string[]).includes(measure))
    throw new UsageError(`--measure is one of ${MEASURES.join(', ')}.`);
  const holdoutDays = positiveNumber('--holdout-days', values['holdout-days']);
  const k = wholeNumber('--k', values.k, 1, 1000);
  const minSupport = wholeNumber('--min-support', values['min-support'], 1, 1_000_000);
  const maxBasketItems = wholeNumber('--max-basket-items', values['max-basket-items'], 2, 100_000);

  const table = await readTable(file);
  const columns = {
    customer: column(table, values.customer as string),
    item: column(table, values.item as string),
    time: column(table, values.time as string),
    order: values.order === undefined ? undefined : column(table, values.order),
    quantity: values.quantity === undefined ? undefined : column(table, values.quantity),
  };
  const excluded = new Set(
    (values.exclude ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const { baskets, used, skipped } = basketsOf(table.rows, columns, excluded);
  const figures = evaluateHoldout(baskets, { holdoutDays, k, measure, minSupport, maxBasketItems });
  return {
    figures,
    measure,
    minSupport,
    maxBasketItems,
    file,
    rows: { read: table.rows.length, used, skipped, unreadable: table.unreadable },
  };
}

interface Columns {
  customer: number;
  item: number;
  time: number;
  order: number | undefined;
  quantity: number | undefined;
}

/**
 * Order lines into baskets: one per order (or per customer and time without an order column),
 * at its earliest line's time, its distinct items. Rows without a customer, an item or a
 * readable time cannot be placed and are counted by reason.
 */
export function basketsOf(rows: readonly string[][], columns: Columns, excluded: ReadonlySet<string>) {
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  const open = new Map<string, { customerId: string; orderId: string; at: number; items: Set<string> }>();
  let used = 0;
  for (const row of rows) {
    const customerId = (row[columns.customer] ?? '').trim();
    const item = (row[columns.item] ?? '').trim();
    const at = parseTime(row[columns.time] ?? '');
    if (!customerId) skip('no customer');
    else if (!item) skip('no item');
    else if (at === null) skip('unreadable time');
    else if (columns.quantity !== undefined && !(Number(row[columns.quantity]) > 0)) skip('quantity ≤ 0');
    else if (excluded.has(item)) skip('excluded item');
    else {
      used++;
      const orderId = columns.order === undefined ? String(at) : (row[columns.order] ?? '').trim();
      const key = `${customerId}\u0000${orderId}`;
      const basket = open.get(key);
      if (!basket) open.set(key, { customerId, orderId, at, items: new Set([item]) });
      else {
        basket.items.add(item);
        if (at < basket.at) basket.at = at;
      }
    }
  }
  const baskets: Basket[] = [...open.values()].map((b) => ({
    customerId: b.customerId,
    orderId: b.orderId,
    at: new Date(b.at).toISOString(),
    items: [...b.items],
  }));
  return { baskets, used, skipped };
}

const LOCAL_ISO = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/**
 * Milliseconds since the epoch, or null. A date and time without a zone (`2010-12-01 08:26:00`)
 * is read as UTC: only differences matter here, and then they do not depend on the machine's zone.
 */
export function parseTime(text: string): number | null {
  const value = text.trim();
  if (!value) return null;
  const time = LOCAL_ISO.test(value) ? Date.parse(`${value.replace(' ', 'T')}Z`) : Date.parse(value);
  return Number.isNaN(time) ? null : time;
}

export function formatRecommendations(evaluation: RecommendationsEvaluation): string {
  const { figures: f, rows } = evaluation;
  const line = (label: string, text: string) => `  ${label.padEnd(16)}${text}`;
  const rate = (name: string, { hits, hitRate }: HitRate) =>
    `${name.padEnd(26)}${hitRate === null ? 'n/a' : `${(hitRate * 100).toFixed(1)} %`.padStart(7)}  (${hits} of ${f.evaluated})`;
  const skipped = Object.entries(rows.skipped)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  return [
    `Recommendations: ${evaluation.file}`,
    line(
      'rows',
      `${rows.read} read, ${rows.used} used${skipped ? ` (left out: ${skipped})` : ''}${rows.unreadable ? `, ${rows.unreadable} unreadable` : ''}`,
    ),
    line(
      'baskets',
      `${f.baskets}: ${f.trainingBaskets} before the holdout, ${f.holdoutBaskets} within (${f.oversizedBaskets} of more than ${evaluation.maxBasketItems} items left out of pair counts)`,
    ),
    line('items', String(f.items)),
    line('customers', String(f.customers)),
    line('period', f.from && f.to ? `${f.from} to ${f.to} (${days(f.from, f.to)} days)` : 'no baskets'),
    line('holdout', `the last ${f.holdoutDays} days, from ${f.cutoff ?? 'n/a'}`),
    line(
      'evaluated',
      `${f.evaluated} customers who bought before and something new within (${f.repeatOnly} more bought only what they had before)`,
    ),
    line(
      'model',
      `${evaluation.measure}, pairs in ≥ ${evaluation.minSupport} baskets, ${f.distinctPairs} distinct pairs`,
    ),
    ...(f.evaluated === 0
      ? [
          '',
          f.trainingBaskets === 0
            ? '  The holdout covers all the data: give --holdout-days fewer days than the period spans.'
            : '  No customer bought both before and within the holdout: nothing to evaluate.',
        ]
      : []),
    '',
    line(`hit rate@${f.k}`, rate(`co-occurrence (${evaluation.measure})`, f.recommender)),
    line('', rate('popularity', f.popularity)),
  ].join('\n');
}

const days = (from: string, to: string) => ((Date.parse(to) - Date.parse(from)) / 86_400_000).toFixed(1);

function wholeNumber(option: string, value: string | undefined, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max)
    throw new UsageError(`${option} takes a whole number from ${min} to ${max}.`);
  return number;
}

function positiveNumber(option: string, value: string | undefined): number {
  const number = Number(value);
  if (!(number > 0) || !Number.isFinite(number))
    throw new UsageError(`${option} takes a number of days above 0.`);
  return number;
}
