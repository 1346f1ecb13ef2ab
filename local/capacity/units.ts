import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { IndexProjection } from '../../functions/shared/db/tables';

/**
 * DynamoDB's capacity units for a request, computed by AWS's billing rules from the real sizes
 * of the items it touched — not DynamoDB Local's `ConsumedCapacity`, which already doubles
 * transactional writes and under-reports multi-item transactions.
 *
 * The rules (Amazon DynamoDB Developer Guide: "Item sizes and formats", "Read/write capacity
 * mode", "Transactions: capacity management", "Global secondary indexes: provisioned throughput
 * considerations"):
 * - An item's size is the sum of its attribute names' and values' sizes: a string is its UTF-8
 *   length; a number about 1 byte per two significant digits plus 1; a binary its length; a
 *   boolean or null 1; a list or map 3 bytes plus, per element, its value (and key, for a map)
 *   plus 1 byte; a set the sum of its elements.
 * - A write costs 1 unit per started KB of the larger of the item before and after (at least 1;
 *   deleting a missing item still costs 1). A read costs 1 unit per started 4 KB (a Query or Scan
 *   rounds the total of the items it read, not each item), half that when eventually consistent,
 *   at least 0.5 or 1 even when nothing is found.
 * - A transaction (TransactWriteItems, TransactGetItems) costs twice that, per item. A
 *   ConditionCheck is billed as a transactional write of the item it checks.
 * - Each global secondary index an item is projected into is written too, at the size of the
 *   projected entry: an insert when the item gains the index's keys, a delete when it loses them,
 *   a delete plus an insert when a key value changes, an update when a projected attribute
 *   changes. Index writes are standard writes, also inside a transaction.
 */
export type Item = Record<string, AttributeValue>;

export interface IndexShape {
  name: string;
  partitionKey: string;
  sortKey: string;
  projection: IndexProjection;
}

export interface TableShape {
  partitionKey: string;
  sortKey?: string;
  indexes: readonly IndexShape[];
}

const KB = 1024;
const READ_BLOCK = 4 * KB;

export const utf8Length = (text: string) => Buffer.byteLength(text, 'utf8');

/** Bytes of a number: leading and trailing zeros do not count; 1 byte per two significant digits, plus 1. */
export function numberSize(text: string): number {
  const digits = text
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '');
  const significant = digits.replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(significant.length, 1) / 2) + 1;
}

export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Length(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8Length(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + b.byteLength, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + valueSize(v) + 1, 0);
  if (value.M !== undefined)
    return 3 + Object.entries(value.M).reduce((sum, [k, v]) => sum + utf8Length(k) + valueSize(v) + 1, 0);
  return 0;
}

export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8Length(name) + valueSize(value), 0);
}

const writeUnitsOf = (bytes: number) => Math.max(1, Math.ceil(bytes / KB));

/** What an index holds of an item, or undefined when the item lacks the index's keys (sparse). */
export function projected(table: TableShape, index: IndexShape, item: Item | undefined): Item | undefined {
  if (!item?.[index.partitionKey] || !item[index.sortKey]) return undefined;
  if (index.projection === 'ALL') return item;
  const keep = new Set([table.partitionKey, table.sortKey, index.partitionKey, index.sortKey]);
  if (index.projection !== 'KEYS_ONLY') for (const name of index.projection.include) keep.add(name);
  return Object.fromEntries(Object.entries(item).filter(([name]) => keep.has(name as string)));
}

const sameValue = (a: AttributeValue | undefined, b: AttributeValue | undefined) =>
  JSON.stringify(a) === JSON.stringify(b);
const sameItem = (a: Item, b: Item) =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => sameValue(a[k], b[k]));

export interface WriteUnits {
  table: number;
  indexes: Record<string, number>;
  total: number;
}

/**
 * Units of one item written (put, updated or deleted): `before` and `after` are the item as
 * stored before and after the write (undefined where it did not exist). `transactional` doubles
 * the table's part.
 */
export function writeUnits(
  table: TableShape,
  before: Item | undefined,
  after: Item | undefined,
  options: { transactional?: boolean } = {},
): WriteUnits {
  const factor = options.transactional ? 2 : 1;
  const tableUnits = writeUnitsOf(Math.max(itemSize(before), itemSize(after))) * factor;
  const indexes: Record<string, number> = {};
  for (const index of table.indexes) {
    const old = projected(table, index, before);
    const now = projected(table, index, after);
    let units = 0;
    if (old && now) {
      const keyChanged =
        !sameValue(old[index.partitionKey], now[index.partitionKey]) ||
        !sameValue(old[index.sortKey], now[index.sortKey]);
      if (keyChanged) units = writeUnitsOf(itemSize(old)) + writeUnitsOf(itemSize(now));
      else if (!sameItem(old, now)) units = writeUnitsOf(Math.max(itemSize(old), itemSize(now)));
    } else if (old) units = writeUnitsOf(itemSize(old));
    else if (now) units = writeUnitsOf(itemSize(now));
    if (units) indexes[index.name] = units;
  }
  const total = tableUnits + Object.values(indexes).reduce((a, b) => a + b, 0);
  return { table: tableUnits, indexes, total };
}

export type ReadMode = 'eventual' | 'strong' | 'transactional';

/** Units of a read of `bytes` in all (one item for GetItem, the items read for a Query). */
export function readUnits(bytes: number, mode: ReadMode): number {
  const blocks = Math.max(1, Math.ceil(bytes / READ_BLOCK));
  if (mode === 'eventual') return blocks / 2;
  return mode === 'transactional' ? blocks * 2 : blocks;
}
