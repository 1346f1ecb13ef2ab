import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import * as notebook from '../support/sales-notebook';
import { type ApiClient, startTestTwin } from '../support/twin';
import { ok, openShop, shipAndDeliver } from '../support/workflow';

/**
 * The sales reports end to end, through the real API only: a tenant in Berlin collects needs (one
 * by one and in a batch, one qualified with If-Match), sells through the live workflow (an order
 * closed and rated, one waiting for its partner, one cancelled) and imports history (a closed and a
 * cancelled order with their own dates). Once the stream has been aggregated, every report equals
 * the analyst's computation over what `GET /v1/needs` and `GET /v1/orders` return.
 */
const twin = await startTestTwin({ functionVariables: { TENANT_SETTINGS_CACHE_SECONDS: '0' } });
afterAll(() => twin.stop());

const ZONE = 'Europe/Berlin';
const DAY = 86_400_000;

async function all(api: ApiClient, path: string): Promise<Record<string, any>[]> {
  const items: Record<string, any>[] = [];
  let cursor: string | undefined;
  do {
    const res = await api.get(`${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    ok(res);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe('the sales reports over the API', () => {
  it('equal the analyst’s computation over the needs and orders the API lists', {
    timeout: 600_000,
  }, async () => {
    const shop = await openShop(twin, [
      { sku: 'WIDGET', priceMinor: 2_500, onHand: 1_000 },
      { sku: 'GADGET', priceMinor: 40_000, onHand: 1_000, category: 'machines' },
      { sku: 'GIZMO', priceMinor: 999, onHand: 1_000 },
    ]);
    ok(
      await shop.admin.raw('PUT', '/v1/settings/tenant', {
        body: { timeZone: ZONE },
        headers: { 'if-match': '"0"' },
      }),
    );
    const customer = async (name: string, country?: string) => {
      const res = await shop.admin.post('/v1/customers', {
        name,
        ...(country ? { address: { country } } : {}),
      });
      ok(res, 201);
      return res.body.id as string;
    };
    const berlin = await customer('Berliner GmbH', 'Germany');
    const paris = await customer('Parisienne SARL', 'fr');

    // Needs: received at the edges of Berlin's days, one a year ago.
    const now = Date.now();
    const at = (daysAgo: number, hourUtc: number) => {
      const date = new Date(now - daysAgo * DAY);
      date.setUTCHours(hourUtc, 30, 0, 0);
      return date.toISOString();
    };
    const needs = [
      {
        customerId: berlin,
        type: 'pricing',
        channel: 'email',
        receivedAt: at(3, 22),
        estimatedValue: { amountMinor: 120_000, currency: 'EUR' },
      },
      { customerId: paris, channel: 'call', receivedAt: at(3, 21) },
      {
        customerId: shop.customerId,
        type: 'delivery_speed',
        channel: 'survey',
        receivedAt: at(40, 23),
        estimatedValue: { amountMinor: 5_000, currency: 'USD' },
      },
    ];
    const created: string[] = [];
    for (const need of needs) {
      const res = await shop.sales.post('/v1/needs', { title: 'A need', ...need });
      ok(res, 201);
      created.push(res.body.id);
    }
    const batch = await shop.sales.post('/v1/needs/batch', {
      items: [
        { customerId: paris, type: 'pricing', channel: 'web_form', title: 'Cheaper', receivedAt: at(2, 10) },
        {
          customerId: berlin,
          channel: 'feedback',
          title: 'Faster',
          receivedAt: at(300, 12),
          estimatedValue: { amountMinor: 1, currency: 'EUR' },
        },
      ],
    });
    ok(batch);
    assert.equal(batch.body.created, 2, batch.text);
    const first = await shop.sales.get(`/v1/needs/${created[0]}`);
    ok(
      await shop.sales.patch(
        `/v1/needs/${created[0]}`,
        { status: 'QUALIFIED' },
        { 'if-match': first.headers.get('etag') as string },
      ),
    );

    // Live orders: one closed and rated (it answers the first need), one waiting for its partner, one cancelled.
    const order = async (
      customerId: string,
      lines: { sku: string; quantity: number }[],
      needIds?: string[],
    ) => {
      const res = await shop.sales.post('/v1/orders', {
        customerId,
        currency: 'EUR',
        lines,
        ...(needIds ? { needIds } : {}),
      });
      ok(res, 201);
      return res.body.id as string;
    };
    const closed = await order(
      berlin,
      [
        { sku: 'WIDGET', quantity: 2 },
        { sku: 'GIZMO', quantity: 3 },
      ],
      [created[0] as string],
    );
    assert.equal((await shipAndDeliver(twin, shop, closed)).status, 'SUCCEEDED');
    ok(await shop.sales.post(`/v1/orders/${closed}/feedback`, { rating: 4 }));
    const waiting = await order(paris, [{ sku: 'GIZMO', quantity: 1 }]);
    await twin.runner.waitForTaskToken(waiting, 'RequestFulfilment');
    const cancelled = await order(shop.customerId, [{ sku: 'WIDGET', quantity: 1 }]);
    await twin.runner.waitForTaskToken(cancelled, 'RequestFulfilment');
    ok(await shop.sales.post(`/v1/orders/${cancelled}/cancel`, { reason: 'Changed their mind' }), 202);
    await twin.runner.waitForExecution(cancelled);

    // History: a closed order with its own dates and prices, and a cancelled one.
    const history = await shop.admin.post('/v1/orders/history', {
      items: [
        {
          externalRef: 'OLD-1001',
          customerId: paris,
          currency: 'EUR',
          status: 'CLOSED',
          orderedAt: at(200, 23),
          approvedAt: at(199, 9),
          shippedAt: at(195, 9),
          deliveredAt: at(190, 9),
          promisedDeliveryDate: new Date(now - 192 * DAY).toISOString().slice(0, 10),
          lines: [
            { sku: 'GADGET', quantity: 1, unitPriceMinor: 35_000 },
            { sku: 'WIDGET', quantity: 10, unitPriceMinor: 2_000, discountMinor: 1_500 },
          ],
          feedback: { rating: 2 },
        },
        {
          externalRef: 'OLD-1002',
          customerId: berlin,
          currency: 'EUR',
          status: 'CANCELLED',
          orderedAt: at(100, 8),
          lines: [{ sku: 'GIZMO', quantity: 5, unitPriceMinor: 900 }],
        },
      ],
    });
    ok(history);
    assert.equal(history.body.created, 2, history.text);

    // Linking needs writes more needs; drained twice, the stream holds nothing more.
    await twin.streams.drained();
    await twin.streams.drained();
    assert.equal(twin.streams.stats().aggregateSales?.deadLettered, 0);

    const analyst = twin.client(
      await twin.token({ tenantId: shop.tenantId, userId: 'ann', roles: ['analyst'] }),
    );
    const allNeeds = await all(analyst, '/v1/needs');
    const allOrders = await all(shop.admin, '/v1/orders');
    assert.equal(allNeeds.length, 5);
    assert.equal(allOrders.length, 5);
    assert.equal(allOrders.find((o) => o.id === closed)?.status, 'CLOSED');

    const today = new Date(now).toISOString().slice(0, 10);
    const tomorrow = new Date(now + 2 * DAY).toISOString().slice(0, 10);
    const yearAgo = new Date(now - 380 * DAY).toISOString().slice(0, 10);
    type Compute = (
      items: Record<string, any>[],
      groupBy: string,
      period: notebook.Period,
      zone: string,
    ) => unknown[];
    const checks: [string, string[], Compute, Record<string, any>[]][] = [
      ['/v1/analysis/needs/summary', ['none', 'type', 'channel', 'status'], notebook.needsSummary, allNeeds],
      [
        '/v1/reports/revenue',
        ['none', 'product', 'category', 'customer', 'country'],
        notebook.revenueReport,
        allOrders,
      ],
      ['/v1/reports/fulfilment', ['none', 'customer', 'country'], notebook.fulfilmentReport, allOrders],
      ['/v1/reports/pipeline', ['none', 'status'], notebook.pipelineReport, allOrders],
    ];
    for (const [path, groupBys, compute, source] of checks) {
      for (const groupBy of groupBys) {
        for (const period of ['day', 'month'] as const) {
          const res = await analyst.get(
            `${path}?groupBy=${groupBy}&period=${period}&from=${yearAgo}&to=${tomorrow}`,
          );
          ok(res);
          assert.equal(res.body.timeZone, ZONE);
          assert.deepEqual(
            res.body.rows,
            compute(source, groupBy, period, ZONE),
            `${path} by ${groupBy} per ${period}`,
          );
        }
      }
    }
    const open = await analyst.get('/v1/reports/pipeline?groupBy=status');
    assert.deepEqual(open.body.rows, notebook.pipelineReport(allOrders, 'status', 'all', ZONE));
    assert.deepEqual(
      open.body.rows.map((r: { group: string; orders: number }) => [r.group, r.orders]),
      [['IN_FULFILMENT', 1]],
    );

    // The CSV form of the same rows.
    const csv = await analyst.get(
      `/v1/reports/revenue?groupBy=country&period=month&from=${yearAgo}&to=${tomorrow}&format=csv`,
    );
    ok(csv);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    const expected = notebook.revenueReport(allOrders, 'country', 'month', ZONE);
    assert.deepEqual(csv.text.trim().split('\r\n'), [
      'period,group,orders,units,revenueMinor_EUR',
      ...expected.map(
        (r) => `${r.period},${r.group},${r.orders},${r.units},${r.revenue[0]?.amountMinor ?? 0}`,
      ),
    ]);
    assert.ok(today <= tomorrow);
  });
});
