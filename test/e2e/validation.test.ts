import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { startTestTwin, tenantTokens } from '../support/twin';

const twin = await startTestTwin();
const { token } = await tenantTokens(twin, ['admin']);
const api = twin.client(token);

/** Every bad request must leave the tenant exactly as it was. */
async function assertNothingWritten() {
  const customers = await api.get('/v1/customers');
  const products = await api.get('/v1/products');
  assert.deepEqual(customers.body.items, []);
  assert.deepEqual(products.body.items, []);
}

function assertProblem(res: { status: number; headers: Headers; body: any }, status: number, field?: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  assert.ok(res.body.type.startsWith('urn:orderly:problem:'));
  if (field)
    assert.ok(
      res.body.errors.some((e: { field: string }) => e.field === field),
      JSON.stringify(res.body.errors),
    );
}

describe('bad input over HTTP gets a 4xx problem naming the field and writes nothing', () => {
  afterAll(() => twin.stop());

  it('malformed JSON', async () => {
    const res = await api.raw('POST', '/v1/customers', {
      rawBody: '{"name": "Ada",',
      headers: { 'content-type': 'application/json' },
    });
    assertProblem(res, 400, 'body');
    assert.equal(res.body.type, 'urn:orderly:problem:malformed-json');
    await assertNothingWritten();
  });

  it('wrong types', async () => {
    assertProblem(await api.post('/v1/customers', { name: 42 }), 400, 'body.name');
    assertProblem(
      await api.post('/v1/products', {
        sku: 'A1',
        name: 'x',
        category: 'c',
        unitPrice: { amountMinor: 9.99, currency: 'EUR' },
      }),
      400,
      'body.unitPrice.amountMinor',
    );
    assertProblem(
      await api.post('/v1/products', {
        sku: 'A1',
        name: 'x',
        category: 'c',
        unitPrice: { amountMinor: 999, currency: 'EURO' },
      }),
      400,
      'body.unitPrice.currency',
    );
    await assertNothingWritten();
  });

  it('unknown fields', async () => {
    assertProblem(
      await api.post('/v1/customers', { name: 'Ada', tenantId: 'someone-else' }),
      400,
      'body.tenantId',
    );
    assertProblem(
      await api.post('/v1/customers', {
        name: 'Ada',
        address: { line1: 'x', city: 'y', country: 'GB', planet: 'Mars' },
      }),
      400,
      'body.address.planet',
    );
    await assertNothingWritten();
  });

  it('an oversized body', async () => {
    const res = await api.post('/v1/customers', {
      name: 'Ada',
      tags: ['x'],
      externalRef: 'y',
      padding: 'z'.repeat(70_000),
    });
    assertProblem(res, 413, 'body');
    await assertNothingWritten();
  });

  it('a body that is not JSON', async () => {
    const res = await api.raw('POST', '/v1/customers', {
      rawBody: 'name=Ada',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assertProblem(res, 415, 'header.content-type');
    await assertNothingWritten();
  });

  it('bad ids, bad cursors and bad limits', async () => {
    assertProblem(await api.get('/v1/customers/not-a-ulid'), 400, 'path.customerId');
    assertProblem(await api.get('/v1/products/01ARZ3NDEKTSV4RRFFQ69G5FA'), 400, 'path.productId');
    assertProblem(await api.get('/v1/customers?cursor=garbage'), 400, 'query.cursor');
    assertProblem(await api.get('/v1/customers?limit=0'), 400, 'query.limit');
    assertProblem(await api.get('/v1/customers?limit=1000'), 400, 'query.limit');
    assertProblem(await api.get('/v1/customers?colour=red'), 400, 'query.colour');
  });

  it('text with control characters, bidirectional overrides or unpaired surrogates', async () => {
    const nul = await api.post('/v1/customers', { name: 'Ada\u0000 Ltd' });
    assertProblem(nul, 400, 'body.name');
    assert.match(nul.body.errors[0].message, /must not contain control characters: U\+0000/);
    assertProblem(await api.post('/v1/customers', { name: 'Ada', tags: ['vip\u0007'] }), 400, 'body.tags.0');
    assertProblem(await api.post('/v1/customers', { name: 'evil\u202etxt.exe' }), 400, 'body.name');
    assertProblem(await api.post('/v1/customers', { name: 'two\nlines' }), 400, 'body.name');
    // JSON can carry half a surrogate pair; no store can keep it as text.
    const surrogate = await api.raw('POST', '/v1/customers', {
      rawBody: '{"name":"Ada \\ud800 Ltd"}',
      headers: { 'content-type': 'application/json' },
    });
    assertProblem(surrogate, 400, 'body.name');
    assert.match(surrogate.body.errors[0].message, /unpaired surrogate/);
    const product = {
      sku: 'T1',
      name: 'Lamp',
      category: 'Home',
      unitPrice: { amountMinor: 100, currency: 'EUR' },
    };
    assertProblem(
      await api.post('/v1/products', { ...product, category: 'Home\u0085' }),
      400,
      'body.category',
    );
    assertProblem(
      await api.post('/v1/products', { ...product, description: 'bad\rline' }),
      400,
      'body.description',
    );
    await assertNothingWritten();
    // Free text keeps its line breaks and tabs (in another tenant: this one stays empty).
    const other = twin.client((await tenantTokens(twin, ['admin'])).token);
    const described = await other.post('/v1/products', {
      ...product,
      description: 'Warm light.\r\n\tDimmable.',
    });
    assert.equal(described.status, 201, JSON.stringify(described.body));
    assert.equal(described.body.description, 'Warm light.\r\n\tDimmable.');
  });

  it('a 10 KB path, id, field, query or header: a 4xx problem under 1 KB', async () => {
    const huge = 'x'.repeat(10_000);
    const answers = [
      await api.get(`/v1/${huge}`),
      await api.get(`/v1/customers/${huge}`),
      await api.get(`/docs/${huge}`),
      await api.get(`/v1/customers?${huge}=1`),
      await api.get(`/v1/customers?cursor=${huge}`),
      await api.post('/v1/customers', { name: huge }),
      await api.post('/v1/customers', { name: 'Ada', [huge]: 1 }),
      await api.post('/v1/customers', { name: 'Ada', address: { line1: 'x', city: 'y', country: huge } }),
      await api.raw('POST', '/v1/customers', { rawBody: '{}', headers: { 'content-type': `text/${huge}` } }),
    ];
    for (const res of answers) {
      assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${res.text.slice(0, 300)}`);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      assert.ok(
        Buffer.byteLength(res.text) < 1024,
        `${Buffer.byteLength(res.text)} bytes: ${res.text.slice(0, 300)}`,
      );
    }
    await assertNothingWritten();
  });

  it('a path whose percent-encoding does not decode', async () => {
    const res = await api.get('/v1/orders/%E0%A4%A');
    assertProblem(res, 400, 'path.orderId');
    assert.equal(res.body.type, 'urn:orderly:problem:malformed-path');
  });

  it('a bad Idempotency-Key', async () => {
    assertProblem(
      await api.post('/v1/customers', { name: 'Ada' }, { 'idempotency-key': 'short' }),
      400,
      'header.idempotency-key',
    );
    await assertNothingWritten();
  });
});
