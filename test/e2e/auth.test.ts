import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import type { Role } from '../../functions/shared/auth/roles';
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

  it('refuses an access token where the deployment takes ID tokens (token_use)', async () => {
    const access = await twin.token({
      tenantId: 'acme',
      userId: 'ann',
      roles: ['admin'],
      tokenUse: 'access',
    });
    const res = await twin.client(access).get('/v1/customers');
    assertUnauthorized(res);
    assert.match(res.body.detail, /ID tokens only/);
  });

  it('gives an integration only the routes its scopes name', async () => {
    const tenantId = `scopes-${process.pid}`;
    const erp = (scopes: string[]) => twin.token({ tenantId, userId: 'erp', roles: ['integration'], scopes });
    const reader = twin.client(await erp(['customers:read']));
    assert.equal((await reader.get('/v1/customers')).status, 200);
    const refused = await reader.post('/v1/customers', { name: 'Acme' });
    assert.equal(refused.status, 403);
    assert.match(refused.body.detail, /needs the scope customers:write/);
    assert.equal((await reader.get('/v1/orders')).status, 403);
    const writer = twin.client(await erp(['customers:write']));
    assert.equal((await writer.post('/v1/customers', { name: 'Acme' })).status, 201);
  });

  it('answers 403 when none of the caller’s roles may call the route, and writes nothing', async () => {
    const { tenantId, token } = await tenantTokens(twin, ['analyst']);
    const res = await twin.client(token).post('/v1/customers', { name: 'Should not exist' });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(res.body.type, 'urn:orderly:problem:forbidden');
    assert.match(res.body.detail, /admin, finance, sales, integration/);
    const admin = await twin.token({ tenantId, userId: 'a', roles: ['admin'] });
    assert.deepEqual((await apiClient(twin.url, admin).get('/v1/customers')).body.items, []);
  });

  it('serves the public routes without a token', async () => {
    const client = twin.client();
    assert.equal((await client.get('/health')).status, 200);
    assert.equal((await client.get('/openapi.json')).status, 200);
    assert.equal((await client.get('/docs')).status, 200);
  });

  it('answers an unknown route with API Gateway’s status, as a problem (README: where the twin differs)', async () => {
    const res = await twin.client().get('/v1/nothing-here');
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(res.body.type, 'urn:orderly:problem:route-not-found');
    assert.equal(res.body.title, 'No such route');
    assert.equal(res.body.status, 404);
    assert.equal(res.body.detail, 'No route matches GET /v1/nothing-here.');
    assert.ok(res.body.requestId);
  });

  it('answers a wrong method on a known path with 404 too, as HTTP APIs do, naming the methods it has', async () => {
    const { token } = await tenantTokens(twin, ['admin']);
    const res = await twin.client(token).raw('DELETE', '/v1/customers');
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(res.body.type, 'urn:orderly:problem:route-not-found');
    assert.equal(res.body.detail, 'No route matches DELETE /v1/customers; this path answers GET, POST.');
  });

  it('takes a group named "analyst,admin" as one group that is no role', async () => {
    const tenantId = `e2e-groups-${process.pid}`;
    // Cognito allows commas in group names; the token's claim is the array ["analyst,admin"].
    const token = await twin.token({ tenantId, userId: 'eve', roles: ['analyst,admin' as Role] });
    const res = await twin.client(token).get('/v1/approval-rules');
    assert.equal(res.status, 403, JSON.stringify(res.body));
    assert.equal(res.body.type, 'urn:orderly:problem:forbidden');
    assert.equal((await twin.client(token).get('/v1/customers')).status, 403);
  });
});
