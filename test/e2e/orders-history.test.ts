import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { type ApiClient, startTestTwin, tenantTokens } from '../support/twin';

/**
 * History through the twin over real HTTP, with its real stream poller running the manifest's
 * consumers and filters: the batch creates set up a customer and products, POST /v1/orders/history
 * imports past orders, and once the stream is drained nothing of them reached the workflow, the
 * event bus or the events feed — while a live order created next does reach all three.
 */
// The events feed shows an event once it is 5 s old (functions/events/feed-page.ts); this test reads
// it right after the stream drained, so it asks for no wait: what it shows is then all there is.
const twin = await startTestTwin({ functionVariables: { EVENT_FEED_SETTLE_SECONDS: '0' } });
afterAll(() => twin.stop());

const idOf = (res: { body: { results: { outcome: string; id: string }[] } }, i = 0) => {
  const result = res.body.results[i];
  assert.ok(result && result.outcome !== 'rejected', JSON.stringify(res.body));
  return result.id;
};

describe('imported history stays history', () => {
  it('imports orders that start no workflow and publish no event; a live order does both', async () => {
    const { token } = await tenantTokens(twin, ['admin']);
    const api: ApiClient = twin.client(token);
    const customers = await api.post('/v1/customers/batch', {
      items: [
        {
          name: 'Royal Gifts',
          externalRef: '17850',
          address: { line1: '1', city: 'Leeds', country: 'United Kingdom' },
        },
      ],
    });
    assert.equal(customers.status, 200, customers.text);
    const customerId = idOf(customers);
    const products = await api.post(
      '/v1/products/batch',
      {
        items: [
          {
            sku: '85123A',
            name: 'White hanging heart T-light holder',
            category: 'Home',
            unitPrice: { amountMinor: 295, currency: 'GBP' },
            stock: { onHand: 50 },
          },
          {
            sku: '71053',
            name: 'White metal lantern',
            category: 'Home',
            unitPrice: { amountMinor: 425, currency: 'GBP' },
            stock: { onHand: 50 },
          },
        ],
      },
      { 'idempotency-key': 'products-part-1' },
    );
    assert.deepEqual(
      products.body.results.map((r: { outcome: string }) => r.outcome),
      ['created', 'created'],
    );

    const past = (externalRef: string, orderedAt: string, status = 'CLOSED') => ({
      externalRef,
      customerRef: '17850',
      currency: 'GBP',
      status,
      orderedAt,
      lines: [
        { sku: '85123A', quantity: 6, unitPriceMinor: 255 },
        { sku: '71053', quantity: 6, unitPriceMinor: 339 },
      ],
    });
    const imported = await api.post('/v1/orders/history', {
      items: [
        past('536365', '2010-12-01T08:26:00Z'),
        past('536366', '2010-12-01T08:28:00Z'),
        past('C536379', '2010-12-01T09:41:00Z', 'CANCELLED'),
      ],
    });
    assert.equal(imported.status, 200, imported.text);
    assert.equal(imported.body.created, 3, imported.text);
    const ids = imported.body.results.map((r: { id: string }) => r.id);

    await twin.streams.drained();
    const stats = twin.streams.stats();
    for (const consumer of ['startOrderWorkflows', 'publishEvents', 'projectEventFeed']) {
      assert.equal(stats[consumer]?.delivered, 0, `${consumer}: ${JSON.stringify(stats[consumer])}`);
      assert.ok((stats[consumer]?.filteredOut ?? 0) >= 9, `${consumer} skipped the imported events`);
    }
    assert.deepEqual(twin.eventBus.events(), []);
    assert.deepEqual(
      twin.runner.executions().filter((e) => ids.includes(e.name)),
      [],
    );
    const feed = await api.get('/v1/events');
    assert.equal(feed.status, 200, feed.text);
    assert.deepEqual(feed.body.items, []);
    const stock = await api.get(`/v1/products/${idOf(products)}`);
    assert.deepEqual(stock.body.stock, { onHand: 50, reserved: 0, available: 50 });

    // The export has the imported lines at their own dates.
    const csv = await api.get('/v1/orders/export?createdTo=2011-01-01T00:00:00Z');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    const rows = csv.text.trim().split('\r\n');
    assert.equal(rows.length, 1 + 6);
    assert.ok(
      rows.slice(1).every((row) => row.endsWith(',GBP,true')),
      rows.join('\n'),
    );
    assert.ok(
      rows.some((row) => row.includes(',536365,536365,2010-12-01T08:26:00.000Z,CLOSED,')),
      rows.join('\n'),
    );

    // A live order of the same tenant goes everywhere the imported ones did not.
    const live = await api.post(
      '/v1/orders',
      { customerId, currency: 'GBP', lines: [{ sku: '85123A', quantity: 1 }] },
      { 'idempotency-key': 'live-order-1' },
    );
    assert.equal(live.status, 201, live.text);
    assert.equal(live.body.customerCountry, 'GB');
    await twin.streams.drained();
    const published = twin.eventBus
      .events()
      .map((e) => (e as { detail?: { subject?: string } }).detail?.subject);
    assert.ok(published.includes(`orders/${live.body.id}`), JSON.stringify(published));
    assert.ok(!published.some((subject) => ids.some((id: string) => subject === `orders/${id}`)));
    assert.ok(twin.runner.executions().some((e) => e.name === live.body.id));
    const after = await api.get('/v1/events');
    assert.ok(after.body.items.length > 0);
    assert.ok(after.body.items.every((e: { subject: string }) => e.subject === `orders/${live.body.id}`));
  }, 120_000);
});
