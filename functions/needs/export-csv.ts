import { type CsvCell, toCsv } from '../shared/http/csv';
import { minorUnitDigits } from '../shared/money';
import type { Need } from './schemas';

/**
 * One row per need, for spreadsheets. Money goes out both ways: the integer minor units with the
 * currency (exact, for machines) and the amount in major units as text built from the integer
 * (`1234.50`), never a float. Sets (products, tags, orders) are one cell each, `; `-separated.
 */
const COLUMNS: readonly [string, (need: Need) => CsvCell][] = [
  ['id', (n) => n.id],
  ['receivedAt', (n) => n.receivedAt],
  ['customerId', (n) => n.customerId],
  ['type', (n) => n.type],
  ['channel', (n) => n.channel],
  ['status', (n) => n.status],
  ['priority', (n) => n.priority],
  ['title', (n) => n.title],
  ['description', (n) => n.description],
  ['estimatedValue', (n) => (n.estimatedValue ? majorUnits(n.estimatedValue) : undefined)],
  ['estimatedValueMinor', (n) => n.estimatedValue?.amountMinor],
  ['currency', (n) => n.estimatedValue?.currency],
  ['quantity', (n) => n.quantity],
  ['productIds', (n) => n.productIds?.join('; ')],
  ['tags', (n) => n.tags?.join('; ')],
  ['externalRef', (n) => n.externalRef],
  ['source', (n) => n.source],
  ['orderIds', (n) => n.orderIds?.join('; ')],
  ['fulfilledByOrder', (n) => n.fulfilment?.orderNumber],
  ['fulfilledAt', (n) => n.fulfilment?.fulfilledAt],
  ['rating', (n) => n.fulfilment?.feedback?.rating],
  ['createdAt', (n) => n.createdAt],
  ['updatedAt', (n) => n.updatedAt],
];

export const NEED_CSV_HEADER = COLUMNS.map(([name]) => name);

export const needsCsv = (needs: readonly Need[]) =>
  toCsv(
    NEED_CSV_HEADER,
    needs.map((need) => COLUMNS.map(([, cell]) => cell(need))),
  );

/** `123456` EUR → `1234.56`; `500` JPY → `500`: exact, from the integer. */
export function majorUnits(money: { amountMinor: number; currency: string }): string {
  const digits = minorUnitDigits(money.currency);
  if (digits === 0) return String(money.amountMinor);
  const text = String(money.amountMinor).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
