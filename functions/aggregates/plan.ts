import type { AggregateUpdate } from './contributions';
import { Sums } from './deltas';

/**
 * How a batch of stream records becomes transactions (TransactWriteItems: at most 100 items).
 * Each transaction holds the updates of its records, summed per aggregate item, and one marker per
 * record (or per chunk of a record) whose condition — the marker does not exist yet — makes a
 * redelivered record fail its transaction instead of counting twice. Pure.
 *
 * - Consecutive small records share a transaction while their summed updates and markers fit:
 *   twenty-five needs of one day touch that day's totals once, not twenty-five times.
 * - A record with more updates than one transaction holds (an order of hundreds of lines) goes
 *   alone, in chunks of 99 updates, each with a marker of its own (`chunk` 0, 1, …). Its updates
 *   are in key order, so its chunks are the same at every delivery, and a delivery that died after
 *   some chunks committed redoes only the others.
 */
export const MAX_TRANSACTION_ITEMS = 100;

export interface RecordWork {
  /** Position of the record in its batch. */
  index: number;
  tenantId: string;
  eventId: string;
  updates: AggregateUpdate[];
}

export interface Marker {
  tenantId: string;
  eventId: string;
  chunk: number;
  /** The record this marker stands for (its index in the batch). */
  record: number;
}

export interface PlannedTransaction {
  markers: Marker[];
  updates: AggregateUpdate[];
}

export function planTransactions(
  work: readonly RecordWork[],
  maxItems = MAX_TRANSACTION_ITEMS,
): PlannedTransaction[] {
  const planned: PlannedTransaction[] = [];
  let markers: Marker[] = [];
  let sums = new Sums();
  const flush = () => {
    if (markers.length) planned.push({ markers, updates: sums.updates() });
    markers = [];
    sums = new Sums();
  };
  for (const record of work) {
    if (record.updates.length === 0) continue;
    const marker = (chunk: number): Marker => ({
      tenantId: record.tenantId,
      eventId: record.eventId,
      chunk,
      record: record.index,
    });
    if (record.updates.length + 1 > maxItems) {
      flush();
      const size = maxItems - 1;
      for (let start = 0, chunk = 0; start < record.updates.length; start += size, chunk++)
        planned.push({ markers: [marker(chunk)], updates: record.updates.slice(start, start + size) });
      continue;
    }
    const added = record.updates.filter((update) => !sums.has(update)).length;
    if (sums.size + added + markers.length + 1 > maxItems) flush();
    for (const update of record.updates) sums.add(update);
    markers.push(marker(0));
  }
  flush();
  return planned;
}

/** The transaction without the records whose markers were found: they were applied before. */
export function withoutRecords(
  transaction: PlannedTransaction,
  applied: ReadonlySet<number>,
  work: readonly RecordWork[],
): PlannedTransaction | undefined {
  const markers = transaction.markers.filter((marker) => !applied.has(marker.record));
  if (markers.length === 0) return undefined;
  if (markers.length === transaction.markers.length) return transaction;
  const sums = new Sums();
  const kept = new Set(markers.map((marker) => marker.record));
  for (const record of work)
    if (kept.has(record.index)) for (const update of record.updates) sums.add(update);
  return { markers, updates: sums.updates() };
}
