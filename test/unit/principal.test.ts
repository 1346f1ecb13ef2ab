import assert from 'node:assert/strict';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterEach, describe, it } from 'vitest';
import {
  GROUPS_CLAIM,
  OAUTH_SCOPE_CLAIM,
  PARTNER_CLAIM,
  SCOPES_CLAIM,
  TENANT_CLAIM,
  TOKEN_USE_VARIABLE,
} from '../../functions/shared/auth/claims';
import { parseGroups, principalFromEvent } from '../../functions/shared/auth/principal';
import { UnauthorizedError } from '../../functions/shared/http/errors';
import { buildHttpApiEvent } from '../../local/gateway/event';

/** The event the twin's gateway builds for a token with these groups, as API Gateway would. */
const eventWithGroups = (groups: unknown): APIGatewayProxyEventV2WithJWTAuthorizer =>
  buildHttpApiEvent(
    { method: 'GET', path: '/v1/customers', rawQueryString: '', headers: {}, body: Buffer.alloc(0) },
    { routeKey: 'GET /v1/customers' },
    { sub: 'u1', token_use: 'id', [TENANT_CLAIM]: 'acme', [GROUPS_CLAIM]: groups },
  );

/** The event for a token with exactly these claims. */
const eventWithClaims = (claims: Record<string, unknown>): APIGatewayProxyEventV2WithJWTAuthorizer =>
  buildHttpApiEvent(
    { method: 'GET', path: '/v1/customers', rawQueryString: '', headers: {}, body: Buffer.alloc(0) },
    { routeKey: 'GET /v1/customers' },
    claims,
  );
const base = { sub: 'u1', [TENANT_CLAIM]: 'acme', [GROUPS_CLAIM]: ['integration'] };

describe('parseGroups', () => {
  it('reads the flattened array claim the HTTP API JWT authorizer passes', () => {
    assert.deepEqual(parseGroups('[admin sales]'), ['admin', 'sales']);
    assert.deepEqual(parseGroups(' [admin   sales] '), ['admin', 'sales']);
  });
  it('reads a real array and an empty claim', () => {
    assert.deepEqual(parseGroups(['approver']), ['approver']);
    assert.deepEqual(parseGroups(undefined), []);
    assert.deepEqual(parseGroups('[]'), []);
    assert.deepEqual(parseGroups(''), []);
  });
  it('never splits an array element: a group named "analyst,admin" is one group', () => {
    assert.deepEqual(parseGroups(['analyst,admin']), ['analyst,admin']);
    assert.deepEqual(parseGroups(['analyst admin']), ['analyst admin']);
  });
  it('splits the flattened form on whitespace only', () => {
    assert.deepEqual(parseGroups('[analyst,admin]'), ['analyst,admin']);
    assert.deepEqual(parseGroups('[analyst,admin sales]'), ['analyst,admin', 'sales']);
  });
  it('takes a string without brackets as one group', () => {
    assert.deepEqual(parseGroups('admin'), ['admin']);
    assert.deepEqual(parseGroups('analyst,admin'), ['analyst,admin']);
    assert.deepEqual(parseGroups('admin sales'), ['admin sales']);
  });
  it('ignores array elements that are not strings', () => {
    assert.deepEqual(parseGroups(['admin', 1, null, { role: 'admin' }]), ['admin']);
  });
});

describe('principalFromEvent', () => {
  it('gives no role for an array whose element has a comma', () => {
    assert.deepEqual(principalFromEvent(eventWithGroups(['analyst,admin'])).roles, []);
  });
  it('gives the two roles of "[admin sales]"', () => {
    const event = eventWithGroups(undefined);
    event.requestContext.authorizer.jwt.claims[GROUPS_CLAIM] = '[admin sales]';
    assert.deepEqual(principalFromEvent(event).roles, ['admin', 'sales']);
  });
  it('gives no role for "[analyst,admin]": one unknown group', () => {
    const event = eventWithGroups(undefined);
    event.requestContext.authorizer.jwt.claims[GROUPS_CLAIM] = '[analyst,admin]';
    assert.deepEqual(principalFromEvent(event).roles, []);
  });
  it('reads the claim in the form the twin’s gateway passes it, which is the form AWS passes', () => {
    const event = eventWithGroups(['admin', 'sales']);
    assert.equal(event.requestContext.authorizer.jwt.claims[GROUPS_CLAIM], '[admin sales]');
    assert.deepEqual(principalFromEvent(event).roles, ['admin', 'sales']);
    assert.equal(
      eventWithGroups(['analyst,admin']).requestContext.authorizer.jwt.claims[GROUPS_CLAIM],
      '[analyst,admin]',
    );
  });
});

describe('the token type the deployment takes', () => {
  afterEach(() => {
    delete process.env[TOKEN_USE_VARIABLE];
  });
  const refused = (claims: Record<string, unknown>, detail: RegExp) =>
    assert.throws(
      () => principalFromEvent(eventWithClaims(claims)),
      (error: unknown) => error instanceof UnauthorizedError && detail.test(error.detail),
    );

  it('takes ID tokens by default and refuses an access token, or a token that does not say', () => {
    assert.equal(principalFromEvent(eventWithClaims({ ...base, token_use: 'id' })).userId, 'u1');
    refused({ ...base, token_use: 'access' }, /takes ID tokens only/);
    refused(base, /takes ID tokens only/);
  });

  it('takes access tokens only when configured so', () => {
    process.env[TOKEN_USE_VARIABLE] = 'access';
    assert.equal(principalFromEvent(eventWithClaims({ ...base, token_use: 'access' })).userId, 'u1');
    refused({ ...base, token_use: 'id' }, /takes access tokens only/);
  });
});

describe('partner and scopes', () => {
  const principal = (claims: Record<string, unknown>) =>
    principalFromEvent(eventWithClaims({ ...base, token_use: 'id', ...claims }));

  it('reads the partner claim, and refuses one that is no partner id', () => {
    assert.equal(principal({ [PARTNER_CLAIM]: 'acme-logistics' }).partnerId, 'acme-logistics');
    assert.equal(principal({}).partnerId, undefined);
    assert.throws(() => principal({ [PARTNER_CLAIM]: 'ACME#1' }), UnauthorizedError);
  });

  it('reads scopes from the custom attribute (ID tokens) and from OAuth’s scope (access tokens)', () => {
    assert.deepEqual(principal({ [SCOPES_CLAIM]: 'orders:read  orders:write' }).scopes, [
      'orders:read',
      'orders:write',
    ]);
    assert.deepEqual(principal({ [OAUTH_SCOPE_CLAIM]: 'stock:write' }).scopes, ['stock:write']);
    assert.equal(principal({}).scopes, undefined);
  });
});
