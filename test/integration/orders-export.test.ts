import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import { createTestTables } from '../support/database';
import { invoke, principal } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/**
 * GET /v1/orders/export against DynamoDB Local: one CSV row per order line, the filters of
 * GET /v1/orders, parts bounded in rows (whole orders each) chained by `Link: …; rel="next"`.
 */
const tables = await createTestTables();
const orders = await import('../support/orders');
orders.recordWorkflow();
const { handler: exportOrders } = await import('../../functions/orders/export');
const { handler: history } = await import('../../functions/orders/history');
const { createProduct } = await import('../../functions/products/store');
const { MAX_PART_ROWS } = await import('../../functions/orders/export-parts');
const { EXPORT_COLUMNS } = await import('../../functions/orders/export-rows');
const requests = requestCounter(tables);
afterAll(() => tables.drop());

const get = (caller: Principal, query: Record<string, string> = {}) =>
  requests.run('exportOrders', () =>
    invoke(exportOrders, { routeKey: 'GET /v1/orders/export', query, principal: caller }),
  );

/** Rows as objects by column, from a part's CSV (RFC 4180: quoted cells double their quotes). */
function rowsOf(text: string) {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i++;
    } else cell += char;
  }
  const [header, ...rows] = records;
  assert.deepEqual(header, [...EXPORT_COLUMNS]);
  return rows.map((row) => Object.fromEntries(row.map((value, i) => [EXPORT_COLUMNS[i], value])));
}

/** The query string of a part's `Link: <…>; rel="next"`. */
function nextQuery(link: string | undefined): Record<string, string> | undefined {
  if (link === undefined) return undefined;
  const match = /^<\/v1\/orders\/export\?([^>]*)>; rel="next"$/.exec(link);
  assert.ok(match, link);
  return Object.fromEntries(new URLSearchParams(match[1]));
}

async function importPast(t: { tenantId: string; customerId: string }, items: unknown[]) {
  const res = await invoke(history, {
    routeKey: 'POST /v1/orders/history',
    body: { items },
    principal: principal(t.tenantId),
  });
  assert.equal(res.body.rejected, 0, JSON.stringify(res.body));
  return res.body.results.map((r: { id: string }) => r.id) as string[];
}

const past = (customerId: string, ref: string, day: number, lines: unknown[]) => ({
  externalRef: ref,
  customerId,
  currency: 'EUR',
  status: 'CLOSED',
  orderedAt: `2011-01-${String(day).padStart(2, '0')}T10:00:00Z`,
  lines,
});

describe('GET /v1/orders/export', () => {
  it('one row per line with the order’s facts, live and imported, filtered as GET /v1/orders is', async () => {
    const t = await orders.setUpTenant();
    const admin = principal(t.tenantId);
    await createProduct(
      t.tenantId,
      {
        sku: 'SNEAKY',
        name: '=HYPERLINK("http://x")',
        category: 'parts',
        unitPrice: { amountMinor: 1, currency: 'EUR' },
        active: true,
        stock: { onHand: 0 },
      },
      new Date().toISOString(),
    );
    const live = await orders.submitOrder(t, [
      { sku: 'WIDGET', quantity: 2 },
      { sku: 'GADGET', quantity: 1, discountBps: 1000 },
    ]);
    const [old] = await importPast(t, [
      past(t.customerId, 'OLD-1', 3, [
        { sku: 'GADGET', quantity: 3, unitPriceMinor: 900, discountMinor: 100 },
        { sku: 'SNEAKY', quantity: 1, unitPriceMinor: 1 },
      ]),
    ]);

    const all = await get(admin);
    assert.equal(all.response.status, 200);
    assert.equal(all.response.headers['content-type'], 'text/csv; charset=utf-8; header=present');
    assert.match(all.response.headers['content-disposition'] ?? '', /^attachment; filename="orders\.csv"$/);
    assert.equal(all.response.headers.link, undefined, 'one part holds it all');
    assert.deepEqual(all.byCommand, { QueryCommand: 1 });
    const plain = rowsOf(all.response.body);
    assert.deepEqual(
      plain.map((r) => [
        r.number,
        r.line_no,
        r.sku,
        r.quantity,
        r.unit_price_minor,
        r.discount_minor,
        r.line_total_minor,
        r.imported,
      ]),
      [
        [live.number, '1', 'WIDGET', '2', '2500', '0', '5000', 'false'],
        [live.number, '2', 'GADGET', '1', '1000', '100', '900', 'false'],
        ['OLD-1', '1', 'GADGET', '3', '900', '100', '2600', 'true'],
        ['OLD-1', '2', 'SNEAKY', '1', '1', '0', '1', 'true'],
      ],
    );
    // A cell that a spreadsheet would run as a formula is defused.
    assert.equal(plain[3]?.product_name, `'=HYPERLINK("http://x")`);
    const oldRow = plain[2] as Record<string, string>;
    assert.equal(oldRow.order_id, old);
    assert.equal(oldRow.external_ref, 'OLD-1');
    assert.equal(oldRow.ordered_at, '2011-01-03T10:00:00.000Z');
    assert.equal(oldRow.closed_at, '2011-01-03T10:00:00.000Z');
    assert.equal(oldRow.status, 'CLOSED');
    assert.equal(oldRow.customer_id, t.customerId);
    assert.equal(oldRow.currency, 'EUR');
    assert.equal(oldRow.category, 'parts');

    const closedOnly = rowsOf((await get(admin, { status: 'CLOSED' })).response.body);
    assert.deepEqual([...new Set(closedOnly.map((r) => r.order_id))], [old]);
    const january = await get(admin, {
      createdFrom: '2011-01-01T00:00:00Z',
      createdTo: '2011-02-01T00:00:00Z',
    });
    assert.deepEqual([...new Set(rowsOf(january.response.body).map((r) => r.order_id))], [old]);
    const byRef = await get(admin, { externalRef: 'OLD-1' });
    assert.deepEqual(byRef.byCommand, { GetItemCommand: 2 });
    assert.equal(rowsOf(byRef.response.body).length, 2);
    const nobody = await get(admin, { customerId: '01J00000000000000000000000' });
    assert.deepEqual(rowsOf(nobody.response.body), []);

    const bad = await get(admin, { status: 'LOST' });
    assert.equal(bad.response.status, 400);
    assert.equal(bad.response.body.errors[0].field, 'query.status');
    const forged = await get(admin, { cursor: 'abc.def' });
    assert.equal(forged.response.status, 400);
    assert.equal(forged.response.body.errors[0].field, 'query.cursor');
  });

  it('comes in parts of whole orders, at most MAX_PART_ROWS rows each, chained by Link', async () => {
    const t = await orders.setUpTenant();
    const admin = principal(t.tenantId);
    const big = (day: number) =>
      past(
        t.customerId,
        `BIG-${day}`,
        day,
        Array.from({ length: 1000 }, (_, i) => ({
          sku: i % 2 ? 'WIDGET' : 'GADGET',
          quantity: 1,
          unitPriceMinor: 10 + i,
        })),
      );
    const bigIds = await importPast(t, [1, 2, 3, 4, 5, 6].map(big));
    const live = [await orders.submitOrder(t), await orders.submitOrder(t)];

    const seen: string[] = [];
    const parts: number[] = [];
    let query: Record<string, string> | undefined = { customerId: t.customerId };
    while (query) {
      const part = await get(admin, query);
      assert.equal(part.response.status, 200, part.response.body);
      const rows = rowsOf(part.response.body);
      assert.ok(rows.length <= MAX_PART_ROWS);
      // Every part, linked on or the last, is a file of the same name.
      assert.equal(part.response.headers['content-disposition'], 'attachment; filename="orders.csv"');
      parts.push(rows.length);
      for (const row of rows) seen.push(`${row.order_id}#${row.line_no}`);
      const next = nextQuery(part.response.headers.link);
      if (next) assert.equal(next.customerId, t.customerId, 'the next part keeps the filters');
      query = next;
    }
    // Newest first: the two live orders, then the imported ones from the latest day.
    assert.deepEqual(parts, [2 + 4 * 1000, 2 * 1000]);
    assert.equal(new Set(seen).size, seen.length, 'no row twice');
    const orderIds = [...new Set(seen.map((key) => key.split('#')[0]))];
    assert.deepEqual(orderIds, [...live.map((o) => o.id).reverse(), ...[...bigIds].reverse()]);
  }, 120_000);
});
