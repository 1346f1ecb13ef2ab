import { type CsvCell, csvLine } from '../shared/http/csv';
import type { Order } from './schemas';

/**
 * The CSV of `GET /v1/orders/export`: one row per order line, each with its order's facts, so a
 * spreadsheet can group and sum by any column. Money stays in integer minor units of the row's
 * currency (no rounding happens on the way out); dates are ISO 8601 UTC.
 */
export const EXPORT_COLUMNS = [
  'order_id',
  'number',
  'external_ref',
  'ordered_at',
  'status',
  'status_changed_at',
  'delivered_at',
  'closed_at',
  'customer_id',
  'customer_country',
  'line_no',
  'sku',
  'product_name',
  'category',
  'quantity',
  'unit_price_minor',
  'discount_minor',
  'line_total_minor',
  'currency',
  'imported',
] as const;

export const exportHeader = () => csvLine(EXPORT_COLUMNS);

/** The order's rows, as CSV lines. */
export function orderRows(order: Order): string[] {
  return order.lines.map((line) => {
    const row: Record<(typeof EXPORT_COLUMNS)[number], CsvCell> = {
      order_id: order.id,
      number: order.number,
      external_ref: order.externalRef,
      ordered_at: order.createdAt,
      status: order.status,
      status_changed_at: order.statusChangedAt,
      delivered_at: order.deliveredAt,
      closed_at: order.evaluation?.closedAt,
      customer_id: order.customerId,
      customer_country: order.customerCountry,
      line_no: line.lineNo,
      sku: line.sku,
      product_name: line.name,
      category: line.category,
      quantity: line.quantity,
      unit_price_minor: line.unitPriceMinor,
      discount_minor: line.discountMinor,
      line_total_minor: line.lineTotalMinor,
      currency: order.currency,
      imported: order.imported === true,
    };
    return csvLine(EXPORT_COLUMNS.map((column) => row[column]));
  });
}
