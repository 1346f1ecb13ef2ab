import assert from 'node:assert/strict';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, it } from 'vitest';
import {
  GROUPS_CLAIM,
  OAUTH_SCOPE_CLAIM,
  PARTNER_CLAIM,
  SCOPES_CLAIM,
  TENANT_CLAIM,
} from '../../functions/shared/auth/claims';
import { grantOfScopeClaim } from '../../functions/shared/auth/machine-scopes';
import { ForbiddenError, UnauthorizedError } from '../../functions/shared/http/errors';
import {
  authorize,
  type EventWithPrincipal,
  PRINCIPAL,
} from '../../functions/shared/http/middlewares/authorize';
import type { Operation } from '../../functions/shared/http/operation';

/**
 * The authorize middleware: it reads the principal, applies the route's decision, and only then
 * hands the principal to the handler; a refused caller (401 or 403) leaves no principal behind.
 * Also the machine-scope claim's whitespace (RFC 6749 §3.3 separates scopes by spaces; tabs and
 * newlines are whitespace to the parser too) and its strict `orderly/` prefix.
 */
const op: Operation = {
  operationId: 'listThings',
  method: 'GET',
  path: '/v1/things',
  summary: 'List things',
  tag: 'Things',
  auth: { roles: ['sales'] },
  responses: { 200: { description: 'ok' } },
};

const eventWith = (claims?: Record<string, unknown>) =>
  ({
    requestContext: claims ? { authorizer: { jwt: { claims, scopes: null } } } : {},
  }) as unknown as EventWithPrincipal;

type Before = (request: { event: EventWithPrincipal }) => void;
const runBefore = authorize(op).before as Before;

describe('authorize', () => {
  it('hands the handler the principal of an allowed caller', () => {
    const event = eventWith({
      sub: 'u1',
      token_use: 'id',
      [TENANT_CLAIM]: 'acme',
      [GROUPS_CLAIM]: ['sales'],
    });
    runBefore({ event });
    assert.deepEqual(event[PRINCIPAL], { tenantId: 'acme', userId: 'u1', roles: ['sales'] });
  });

  it('leaves no principal behind for a caller refused with 403 or 401', () => {
    const forbidden = eventWith({
      sub: 'u1',
      token_use: 'id',
      [TENANT_CLAIM]: 'acme',
      [GROUPS_CLAIM]: ['analyst'],
    });
    assert.throws(() => runBefore({ event: forbidden }), ForbiddenError);
    assert.equal(forbidden[PRINCIPAL], undefined);
    const anonymous = eventWith();
    assert.throws(
      () => runBefore({ event: anonymous as APIGatewayProxyEventV2WithJWTAuthorizer }),
      UnauthorizedError,
    );
    assert.equal(anonymous[PRINCIPAL], undefined);
  });

  it('has no other phase: errors are the problem middleware’s', () => {
    assert.deepEqual(Object.keys(authorize(op)), ['before']);
  });
});

describe('the machine scope claim', () => {
  it('splits on any run of whitespace, leading and trailing included', () => {
    assert.deepEqual(grantOfScopeClaim('\torderly/orders:read\n orderly/needs:read  '), {
      roles: ['integration'],
      scopes: ['orders:read', 'needs:read'],
    });
  });

  it('never reads a scope of another server whose prefix is as long as orderly/', () => {
    for (const claim of ['partner/orders:read', 'other/x/orders:read', 'ORDERLY/fulfilment'])
      assert.deepEqual(grantOfScopeClaim(claim), { roles: [], scopes: [] }, claim);
  });

  it('reads the claims by their Cognito names', () => {
    assert.deepEqual(
      [TENANT_CLAIM, GROUPS_CLAIM, PARTNER_CLAIM, SCOPES_CLAIM, OAUTH_SCOPE_CLAIM],
      ['custom:tenant_id', 'cognito:groups', 'custom:partner_id', 'custom:scopes', 'scope'],
    );
  });

  it('takes only the exact orderly/ prefix: no other server, no bare or doubled prefix', () => {
    for (const claim of [
      'orderly',
      'orderly/',
      'orderly//orders:read',
      'orderlyx/orders:read',
      '/orders:read',
    ])
      assert.deepEqual(grantOfScopeClaim(claim), { roles: [], scopes: [] }, claim);
  });
});
