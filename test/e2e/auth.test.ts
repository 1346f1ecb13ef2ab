import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { issueToken, newSigningKey } from '../../local/gateway/dev-tokens';
import { apiClient, startTestTwin, tenantTokens } from '../support/twin';

const twin = await startTestTwin();

describe('authentication and roles over HTTP', () => {
  afterAll(() => twin.stop());

  const assertUnauthorized = (res: { status: number; headers: Headers; body: any }) => {
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(res.body.type, 'urn:orderly:problem:unauthorized');
  };

  it('refuses a request without a token', async () => {
    assertUnauthorized(await twin.client().get('/v1/customers'));
  });

  it('refuses a malformed token and a non-bearer scheme', async () => {
    assertUnauthorized(await twin.client('not.a.jwt').get('/v1/customers'));
    const basic = await twin.client().get('/v1/customers', { authorization: 'Basic dXNlcjpwYXNz' });
    assertUnauthorized(basic);
  });

  it('refuses an expired token', async () => {
    const expired = await twin.token({
      tenantId: 'acme',
      userId: 'ann',
      roles: ['admin'],
      expiresInSeconds: -60,
    });
    const res = await twin.client(expired).get('/v1/customers');
    assertUnauthorized(res);
    assert.match(res.body.detail, /expired/);
  });

  it('refuses a token signed by another key', async () => {
    const forged = await issueToken(await newSigningKey(), {
      tenantId: 'acme',
      userId: 'mallory',
      roles: ['admin'],
    });
    const res = await twin.client(forged).get('/v1/customers');
    assertUnauthorized(res);
    assert.match(res.body.detail, /signature/);
  });

  it('answers 403 when none of the caller’s roles may call the route, and writes nothing', async () => {
    const { tenantId, token } = await tenantTokens(twin, ['analyst']);
    const res = await twin.client(token).post('/v1/customers', { name: 'Should not exist' });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(res.body.type, 'urn:orderly:problem:forbidden');
    assert.match(res.body.detail, /admin, sales, integration/);
    const admin = await twin.token({ tenantId, userId: 'a', roles: ['admin'] });
    assert.deepEqual((await apiClient(twin.url, admin).get('/v1/customers')).body.items, []);
  });

  it('serves the public routes without a token', async () => {
    const client = twin.client();
    assert.equal((await client.get('/health')).status, 200);
    assert.equal((await client.get('/openapi.json')).status, 200);
    assert.equal((await client.get('/docs')).status, 200);
  });

  it('answers an unknown route as API Gateway does', async () => {
    const res = await twin.client().get('/v1/nothing-here');
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { message: 'Not Found' });
  });
});
