import assert from 'node:assert/strict';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterEach, describe, it } from 'vitest';
import {
  GROUPS_CLAIM,
  PARTNER_CLAIM,
  SCOPES_CLAIM,
  TENANT_CLAIM,
  TOKEN_USE_VARIABLE,
} from '../../functions/shared/auth/claims';
import { principalFromEvent } from '../../functions/shared/auth/principal';
import { UnauthorizedError } from '../../functions/shared/http/errors';
import { buildHttpApiEvent } from '../../local/gateway/event';

/** The event the gateway builds for a token with these claims, flattened as API Gateway flattens them. */
const eventWith = (claims: Record<string, unknown>): APIGatewayProxyEventV2WithJWTAuthorizer =>
  buildHttpApiEvent(
    { method: 'GET', path: '/v1/orders', rawQueryString: '', headers: {}, body: Buffer.alloc(0) },
    { routeKey: 'GET /v1/orders' },
    claims,
  );

/** A Cognito client-credentials access token after the pre-token-generation trigger. */
const machine = {
  sub: 'abc123client',
  client_id: 'abc123client',
  token_use: 'access',
  scope: 'orderly/fulfilment',
  [TENANT_CLAIM]: 'acme',
  [PARTNER_CLAIM]: 'in-house',
};

const refusal = (claims: Record<string, unknown>, detail: RegExp) =>
  assert.throws(
    () => principalFromEvent(eventWith(claims)),
    (error: unknown) => error instanceof UnauthorizedError && detail.test(error.detail),
  );

afterEach(() => {
  delete process.env[TOKEN_USE_VARIABLE];
});

describe('principalFromEvent for a machine client', () => {
  it('binds the client to the tenant and partner of its token; roles and scopes come from scope', () => {
    assert.deepEqual(principalFromEvent(eventWith(machine)), {
      tenantId: 'acme',
      userId: 'client:abc123client',
      roles: ['fulfilment'],
      partnerId: 'in-house',
    });
    const { [PARTNER_CLAIM]: _, ...integration } = machine;
    assert.deepEqual(
      principalFromEvent(eventWith({ ...integration, scope: 'orderly/orders:write orderly/orders:read' })),
      {
        tenantId: 'acme',
        userId: 'client:abc123client',
        roles: ['integration'],
        scopes: ['orders:write', 'orders:read'],
      },
    );
  });

  it('is taken whatever ORDERLY_TOKEN_USE says: machines have no ID token', () => {
    for (const tokenUse of ['id', 'access']) {
      process.env[TOKEN_USE_VARIABLE] = tokenUse;
      assert.equal(principalFromEvent(eventWith(machine)).userId, 'client:abc123client', tokenUse);
    }
  });

  it('never takes a role from groups or custom scopes, only from orderly scopes', () => {
    const principal = principalFromEvent(
      eventWith({
        ...machine,
        scope: 'other/admin orderly/unknown',
        [GROUPS_CLAIM]: ['admin'],
        [SCOPES_CLAIM]: 'orders:write',
      }),
    );
    assert.deepEqual(principal.roles, []);
    assert.equal(principal.scopes, undefined);
  });

  it('refuses a token without a valid tenant, with an invalid partner, or with an invalid client id', () => {
    const { [TENANT_CLAIM]: _, ...noTenant } = machine;
    refusal(noTenant, /no valid tenant/);
    refusal({ ...machine, [TENANT_CLAIM]: 'T#other' }, /no valid tenant/);
    refusal({ ...machine, [PARTNER_CLAIM]: 'In House' }, /no valid partner/);
    refusal({ ...machine, client_id: '' }, /no valid client/);
    refusal({ ...machine, client_id: 'a/b' }, /no valid client/);
  });
});

describe('principalFromEvent for people, unchanged by machine clients', () => {
  it('still refuses a person’s access token (it names its user) where the API takes ID tokens', () => {
    refusal({ ...machine, username: 'alice', [GROUPS_CLAIM]: ['admin'] }, /ID tokens only/);
  });

  it('still refuses an access token without client_id as a person’s where ID tokens are taken', () => {
    const { client_id: _, ...noClient } = machine;
    refusal(noClient, /ID tokens only/);
  });

  it('still reads a person’s ID token: groups and custom scopes, the subject as the user', () => {
    const principal = principalFromEvent(
      eventWith({
        sub: 'u1',
        token_use: 'id',
        [TENANT_CLAIM]: 'acme',
        [GROUPS_CLAIM]: ['integration'],
        [SCOPES_CLAIM]: 'orders:read',
        client_id: 'ignored-on-id-tokens',
      }),
    );
    assert.deepEqual(principal, {
      tenantId: 'acme',
      userId: 'u1',
      roles: ['integration'],
      scopes: ['orders:read'],
    });
  });

  it('still reads a person’s access token where the deployment takes access tokens', () => {
    process.env[TOKEN_USE_VARIABLE] = 'access';
    const principal = principalFromEvent(
      eventWith({
        sub: 'u1',
        username: 'alice',
        client_id: 'webapp',
        token_use: 'access',
        [TENANT_CLAIM]: 'acme',
        [GROUPS_CLAIM]: ['sales'],
      }),
    );
    assert.deepEqual(principal, { tenantId: 'acme', userId: 'u1', roles: ['sales'] });
  });
});
