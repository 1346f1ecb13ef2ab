import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/db/client';
import { encodeCursor } from '../shared/db/cursor';
import { exportHeader, orderRows } from './export-rows';
import { findByReference } from './find-by-reference';
import { keyAfter, type OrderListFilter, orderListPlan, startKeyOf } from './list-store';
import type { OrderScope } from './partner-scope';
import { toOrder } from './store';

/**
 * One part of an export: whole orders, newest first, on the index `GET /v1/orders` uses for the
 * same filters, until the part holds MAX_PART_ROWS rows or MAX_PART_BYTES (what one Lambda
 * response carries, with room to spare) or MAX_PART_READS Queries were made; the cursor then
 * starts the next part after the last order written. An order is never split across parts (it
 * has at most 1,000 lines), so a part holds at least one order.
 */
export const MAX_PART_ROWS = 5000;
export const MAX_PART_BYTES = 4 * 1024 * 1024;
const MAX_PART_READS = 10;
const ORDERS_PER_READ = 100;

export type ExportFilter = Omit<OrderListFilter, 'limit'> & { number?: string; externalRef?: string };

export async function exportPart(
  tenantId: string,
  scope: OrderScope,
  { number, externalRef, ...filter }: ExportFilter,
): Promise<{ text: string; nextCursor?: string }> {
  let text = exportHeader();
  if (number !== undefined || externalRef !== undefined) {
    const { items } = await findByReference(tenantId, scope, { number, externalRef }, filter);
    for (const order of items) text += orderRows(order).join('');
    return { text };
  }
  const listed = orderListPlan(tenantId, scope, filter);
  // Cursors of an export are not cursors of the list: each answers only its own endpoint.
  const plan = { ...listed, list: `EXPORT#${listed.list}` };
  let startKey = await startKeyOf(plan, filter.cursor);
  let rows = 0;
  let bytes = Buffer.byteLength(text);
  for (let reads = 0; reads < MAX_PART_READS; reads++) {
    const result = await documentClient.send(
      new QueryCommand({
        ...plan.query,
        ScanIndexForward: false,
        Limit: ORDERS_PER_READ,
        ExclusiveStartKey: startKey,
      }),
    );
    let previous: Record<string, unknown> | undefined;
    for (const item of result.Items ?? []) {
      const lines = orderRows(toOrder(item));
      const size = lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
      if (rows > 0 && (rows + lines.length > MAX_PART_ROWS || bytes + size > MAX_PART_BYTES)) {
        const after = previous ? keyAfter(plan, previous) : startKey;
        return { text, nextCursor: await encodeCursor(plan.list, after) };
      }
      text += lines.join('');
      rows += lines.length;
      bytes += size;
      previous = item;
    }
    startKey = result.LastEvaluatedKey;
    if (!startKey) return { text };
  }
  return { text, nextCursor: await encodeCursor(plan.list, startKey) };
}
