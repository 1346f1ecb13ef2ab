import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { httpFunctions } from '../../functions/manifest';
import {
  MACHINE_SCOPES,
  qualifiedScope,
  RESOURCE_SERVER_ID,
} from '../../functions/shared/auth/machine-scope-list';
import { grantOfScopeClaim, grantOfScopes } from '../../functions/shared/auth/machine-scopes';
import { scopeOf } from '../../functions/shared/auth/permissions';

/** Cognito's limits for a resource server scope (CreateResourceServer). */
const COGNITO_SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/;

describe('MACHINE_SCOPES', () => {
  it('is fulfilment plus exactly the scopes of the routes an integration may call', () => {
    const routeScopes = new Set<string>();
    for (const { operation } of httpFunctions) {
      if ('public' in operation.auth || !operation.auth.roles.includes('integration')) continue;
      routeScopes.add(scopeOf(operation));
    }
    assert.deepEqual(MACHINE_SCOPES.map((scope) => scope.name).sort(), ['fulfilment', ...routeScopes].sort());
  });

  it('fits Cognito: unique names of allowed characters, descriptions of 1 to 256 characters', () => {
    const names = MACHINE_SCOPES.map((scope) => scope.name);
    assert.equal(new Set(names).size, names.length);
    for (const { name, description } of MACHINE_SCOPES) {
      assert.match(name, COGNITO_SCOPE_NAME);
      assert.ok(description.length >= 1 && description.length <= 256, name);
    }
    assert.equal(RESOURCE_SERVER_ID, 'orderly');
    assert.equal(qualifiedScope('orders:write'), 'orderly/orders:write');
  });
});

describe('grantOfScopeClaim', () => {
  it('makes orderly/fulfilment a fulfilment partner that holds no integration scope', () => {
    assert.deepEqual(grantOfScopeClaim('orderly/fulfilment'), { roles: ['fulfilment'], scopes: [] });
  });

  it('makes every other orderly scope an integration holding it, unqualified as routes name it', () => {
    assert.deepEqual(grantOfScopeClaim('orderly/orders:write orderly/needs:read'), {
      roles: ['integration'],
      scopes: ['orders:write', 'needs:read'],
    });
  });

  it('gives both roles to a client holding both kinds', () => {
    assert.deepEqual(grantOfScopeClaim('orderly/fulfilment orderly/orders:read'), {
      roles: ['fulfilment', 'integration'],
      scopes: ['orders:read'],
    });
  });

  it('ignores scopes of other resource servers, unqualified names and names Orderly never granted', () => {
    for (const claim of [
      'other/orders:write',
      'orders:write fulfilment',
      'orderly/admin orderly/orders:delete',
      'orderly/ORDERS:WRITE',
      'xorderly/fulfilment',
    ])
      assert.deepEqual(grantOfScopeClaim(claim), { roles: [], scopes: [] }, claim);
  });

  it('reads nothing from a claim that is not a string, and counts a repeated scope once', () => {
    assert.deepEqual(grantOfScopeClaim(['orderly/fulfilment']), { roles: [], scopes: [] });
    assert.deepEqual(grantOfScopeClaim(undefined), { roles: [], scopes: [] });
    assert.deepEqual(grantOfScopes(['orders:read', 'orders:read']), {
      roles: ['integration'],
      scopes: ['orders:read'],
    });
  });
});
