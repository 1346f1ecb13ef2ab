import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { startTestTwin, tenantTokens } from '../support/twin';

const twin = await startTestTwin();

describe('customers over HTTP', () => {
  afterAll(() => twin.stop());

  it('pages through 250 customers with no duplicate and no gap', async () => {
    const api = twin.client((await tenantTokens(twin, ['sales'])).token);
    const created: string[] = [];
    for (let batch = 0; batch < 250; batch += 25) {
      const responses = await Promise.all(
        Array.from({ length: 25 }, (_, i) => api.post('/v1/customers', { name: `Customer ${batch + i}` })),
      );
      for (const r of responses) {
        assert.equal(r.status, 201);
        created.push(r.body.id);
      }
    }
    for (const limit of [100, 37]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await api.get(
          `/v1/customers?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        assert.equal(res.status, 200);
        assert.ok(res.body.items.length <= limit);
        seen.push(...res.body.items.map((c: { id: string }) => c.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(seen.length, 250);
      assert.equal(new Set(seen).size, 250, 'no duplicate');
      assert.deepEqual([...seen].sort(), [...created].sort(), 'no gap');
      assert.deepEqual(seen, [...seen].sort(), 'oldest first (ULID order)');
      assert.equal(pages, Math.ceil(250 / limit), 'the last page carries no cursor');
    }
  });

  it('updates need If-Match: 428 without it, 412 when stale, 200 when current', async () => {
    const api = twin.client((await tenantTokens(twin, ['sales'])).token);
    const created = await api.post('/v1/customers', { name: 'Versioned Ltd', tags: ['a'] });
    const path = `/v1/customers/${created.body.id}`;
    assert.equal(created.headers.get('etag'), '"1"');

    const missing = await api.patch(path, { name: 'No precondition' });
    assert.equal(missing.status, 428);

    const first = await api.patch(
      path,
      { tags: ['a', 'b'] },
      { 'if-match': created.headers.get('etag') as string },
    );
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('etag'), '"2"');

    const stale = await api.patch(path, { name: 'Lost update' }, { 'if-match': '"1"' });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.type, 'urn:orderly:problem:precondition-failed');

    const now = await api.get(path);
    assert.equal(now.body.name, 'Versioned Ltd');
    assert.deepEqual(now.body.tags, ['a', 'b']);
    assert.equal(now.headers.get('etag'), '"2"');
  });

  it('takes phones and countries as people write them', async () => {
    const api = twin.client((await tenantTokens(twin, ['sales'])).token);
    const created = await api.post('/v1/customers', {
      name: 'Seven Seas Imports',
      phone: '(171) 555-1717',
      address: { line1: '90 Wadhurst Rd.', city: 'London', country: 'UK' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.phone, '(171) 555-1717');
    assert.equal(created.body.phoneE164, '+441715551717');
    assert.equal(created.body.address.country, 'GB');

    const path = `/v1/customers/${created.body.id}`;
    const moved = await api.patch(
      path,
      { phone: '030 1234567', address: { line1: 'Hauptstr. 1', city: 'Berlin', country: 'Germany' } },
      { 'if-match': '"1"' },
    );
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.phoneE164, '+49301234567');
    assert.equal((await api.get(path)).body.address.country, 'DE');

    const bad = await api.patch(path, { phone: 'ask at the desk' }, { 'if-match': '"2"' });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.errors.map((e: { field: string }) => e.field),
      ['body.phone'],
    );
  });

  it('a customer that does not exist is 404', async () => {
    const api = twin.client((await tenantTokens(twin, ['sales'])).token);
    const res = await api.get('/v1/customers/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    assert.equal(res.status, 404);
    const patch = await api.patch(
      '/v1/customers/01ARZ3NDEKTSV4RRFFQ69G5FAV',
      { name: 'x' },
      { 'if-match': '"1"' },
    );
    assert.equal(patch.status, 404);
  });
});
