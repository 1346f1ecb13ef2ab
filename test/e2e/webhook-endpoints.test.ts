import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { startTestTwin } from '../support/twin';

/**
 * The webhook endpoint routes over real HTTP on the twin: its gateway routes DELETE, gives the
 * sealing functions the local key, and lets endpoints point at this machine over plain http.
 */
const twin = await startTestTwin();
afterAll(() => twin.stop());

describe('webhook endpoints on the twin', () => {
  it('are created with a secret, read without it, rotated, and deleted', async () => {
    const api = twin.client(
      await twin.token({ tenantId: `wh-e2e-${process.pid}`, userId: 'ada', roles: ['admin'] }),
    );
    const created = await api.post('/v1/webhooks/endpoints', {
      url: 'http://127.0.0.1:9/hooks',
      eventTypes: ['order.*'],
    });
    assert.equal(created.status, 201, created.text);
    assert.match(created.body.secret, /^whsec_/);
    const path = `/v1/webhooks/endpoints/${created.body.id}`;

    const read = await api.get(path);
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('etag'), '"1"');
    assert.equal('secret' in read.body, false);

    const rotated = await api.post(`${path}/rotate-secret`);
    assert.equal(rotated.status, 200, rotated.text);
    assert.notEqual(rotated.body.secret, created.body.secret);

    const removed = await api.raw('DELETE', path);
    assert.equal(removed.status, 204, removed.text);
    assert.equal(removed.text, '');
    assert.equal((await api.get(path)).status, 404);
    assert.deepEqual((await api.get('/v1/webhooks/endpoints')).body, { items: [] });
  });
});
