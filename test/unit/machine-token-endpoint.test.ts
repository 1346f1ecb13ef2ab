import assert from 'node:assert/strict';
import { beforeAll, describe, it } from 'vitest';
import {
  clientSecretMatches,
  hashClientSecret,
  newClientId,
  newClientSecret,
} from '../../functions/clients/client-secret';
import type { MachineClientRecord } from '../../functions/clients/store';
import { principalFromEvent } from '../../functions/shared/auth/principal';
import { createVerifier, newSigningKey, type Verifier } from '../../local/gateway/dev-tokens';
import { buildHttpApiEvent } from '../../local/gateway/event';
import {
  createTokenEndpoint,
  MACHINE_TOKEN_SECONDS,
  type TokenEndpoint,
  type TokenEndpointResponse,
} from '../../local/gateway/oauth-token';

/** The twin's token endpoint over an in-memory registry (the DynamoDB one: test/integration/machine-clients.test.ts). */
const clientId = newClientId();
const secret = newClientSecret();
let endpoint: TokenEndpoint;
let verify: Verifier;

beforeAll(async () => {
  const key = await newSigningKey();
  verify = await createVerifier(key);
  const record: MachineClientRecord = {
    pk: `MACHINE_CLIENT#${clientId}`,
    sk: 'MACHINE_CLIENT',
    entity: 'MACHINE_CLIENT',
    clientId,
    tenantId: 'acme',
    scopes: ['fulfilment', 'orders:read'],
    partnerId: 'in-house',
    name: 'Warehouse',
    createdAt: '2026-01-01T00:00:00.000Z',
    secretHash: await hashClientSecret(secret),
  };
  endpoint = createTokenEndpoint({ key, findClient: async (id) => (id === clientId ? record : undefined) });
});

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, password: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(password)}`).toString('base64')}`;
const post = (form: string, headers: Record<string, string> = {}, method = 'POST') =>
  endpoint({ method, headers: { ...FORM, ...headers }, body: Buffer.from(form) });

async function oauthError(answer: Promise<TokenEndpointResponse>) {
  const { status, body, headers } = await answer;
  const parsed = JSON.parse(body) as { error: string; error_description: string; access_token?: string };
  assert.equal(parsed.access_token, undefined);
  assert.equal(headers['cache-control'], 'no-store');
  return { status, error: parsed.error, description: parsed.error_description, headers };
}

describe('POST /oauth2/token (the twin)', () => {
  it('issues a bearer access token for an hour, by Basic or by form, that the API reads as the client', async () => {
    for (const answer of [
      await post('grant_type=client_credentials', { authorization: basic(clientId, secret) }),
      await post(
        `grant_type=client_credentials&client_id=${clientId}&client_secret=${encodeURIComponent(secret)}`,
      ),
    ]) {
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['cache-control'], 'no-store');
      const body = JSON.parse(answer.body);
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.expires_in, MACHINE_TOKEN_SECONDS);
      const claims = await verify(body.access_token);
      assert.equal((claims.exp as number) - (claims.iat as number), MACHINE_TOKEN_SECONDS);
      const event = buildHttpApiEvent(
        { method: 'GET', path: '/v1/orders', rawQueryString: '', headers: {}, body: Buffer.alloc(0) },
        { routeKey: 'GET /v1/orders' },
        claims,
      );
      assert.deepEqual(principalFromEvent(event), {
        tenantId: 'acme',
        userId: `client:${clientId}`,
        roles: ['fulfilment', 'integration'],
        partnerId: 'in-house',
        scopes: ['orders:read'],
      });
    }
  });

  it('grants a subset of the client’s scopes when asked, and refuses one it does not hold (invalid_scope)', async () => {
    const auth = { authorization: basic(clientId, secret) };
    const narrowed = await post('grant_type=client_credentials&scope=orderly%2Forders%3Aread', auth);
    assert.equal(narrowed.status, 200);
    assert.equal((await verify(JSON.parse(narrowed.body).access_token)).scope, 'orderly/orders:read');
    for (const scope of ['orderly/orders:write', 'orderly/fulfilment orderly/admin', 'orders:read', '']) {
      const { status, error } = await oauthError(
        post(`grant_type=client_credentials&scope=${encodeURIComponent(scope)}`, auth),
      );
      assert.equal(status, 400, scope);
      assert.equal(error, 'invalid_scope', scope);
    }
  });

  it('cannot be asked for a tenant or partner: extra parameters are ignored, the registry’s binding stays', async () => {
    const answer = await post(
      'grant_type=client_credentials&tenant=globex&custom%3Atenant_id=globex&partner_id=other',
      {
        authorization: basic(clientId, secret),
      },
    );
    assert.equal(answer.status, 200);
    const claims = await verify(JSON.parse(answer.body).access_token);
    assert.equal(claims['custom:tenant_id'], 'acme');
    assert.equal(claims['custom:partner_id'], 'in-house');
  });

  it('answers invalid_client (401, WWW-Authenticate) for a wrong secret, an unknown client or no credentials', async () => {
    for (const attempt of [
      post('grant_type=client_credentials', { authorization: basic(clientId, `${secret}x`) }),
      post('grant_type=client_credentials', { authorization: basic('unknownclient', secret) }),
      post(`grant_type=client_credentials&client_id=${clientId}&client_secret=wrong`),
      post('grant_type=client_credentials'),
      post('grant_type=client_credentials', { authorization: 'Bearer abc' }),
    ]) {
      const { status, error, headers } = await oauthError(attempt);
      assert.equal(status, 401);
      assert.equal(error, 'invalid_client');
      assert.match(headers['www-authenticate'] ?? '', /^Basic /);
    }
  });

  it('answers unsupported_grant_type and invalid_request (400) per RFC 6749 §5.2', async () => {
    const auth = { authorization: basic(clientId, secret) };
    const cases: [Promise<TokenEndpointResponse>, string, string][] = [
      [
        post('grant_type=password&username=a&password=b', auth),
        'unsupported_grant_type',
        'Only client_credentials is supported.',
      ],
      [
        post('grant_type=authorization_code', auth),
        'unsupported_grant_type',
        'Only client_credentials is supported.',
      ],
      [post('scope=orderly%2Forders%3Aread', auth), 'invalid_request', 'grant_type is required.'],
      [
        post('grant_type=client_credentials&grant_type=client_credentials', auth),
        'invalid_request',
        'grant_type is repeated.',
      ],
      [
        post(`grant_type=client_credentials&client_id=${clientId}&client_secret=${secret}`, auth),
        'invalid_request',
        'Authenticate with one method: Basic or the form, not both.',
      ],
      [
        post('grant_type=client_credentials', { ...auth, 'content-type': 'application/json' }),
        'invalid_request',
        'Send the parameters as application/x-www-form-urlencoded.',
      ],
      [post('grant_type=client_credentials', auth, 'GET'), 'invalid_request', 'Use POST.'],
    ];
    for (const [attempt, expected, why] of cases) {
      const { status, error, description } = await oauthError(attempt);
      assert.equal(status, 400, expected);
      assert.equal(error, expected);
      // What was wrong, for the developer reading the answer.
      assert.equal(description, why);
    }
  });
});

describe('client secrets', () => {
  it('are random, and only the hash of the one issued matches', async () => {
    assert.notEqual(newClientSecret(), newClientSecret());
    assert.match(newClientId(), /^[a-z0-9]{26}$/);
    const hash = await hashClientSecret('s3cret');
    assert.ok(!hash.includes('s3cret'));
    assert.equal(await clientSecretMatches('s3cret', hash), true);
    assert.equal(await clientSecretMatches('s3cret ', hash), false);
    assert.equal(await clientSecretMatches('s3cret', undefined), false);
    assert.equal(await clientSecretMatches('s3cret', 'plain$text'), false);
  });
});
