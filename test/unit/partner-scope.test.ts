import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { orderScopeOf, scopeSees, TENANT_WIDE } from '../../functions/orders/partner-scope';
import type { Principal } from '../../functions/shared/auth/principal';
import { ROLES, type Role } from '../../functions/shared/auth/roles';
import { ForbiddenError } from '../../functions/shared/http/errors';

const who = (roles: Role[], partnerId?: string): Principal => ({
  tenantId: 'acme',
  userId: 'u1',
  roles,
  ...(partnerId === undefined ? {} : { partnerId }),
});

describe('the order scope of a caller', () => {
  it('binds a fulfilment user to the partner its token names', () => {
    assert.deepEqual(orderScopeOf(who(['fulfilment'], 'parcel-co')), { partnerId: 'parcel-co' });
  });

  it('binds any token that names a partner, whatever its roles', () => {
    for (const role of ROLES)
      assert.deepEqual(orderScopeOf(who([role], 'parcel-co')), { partnerId: 'parcel-co' }, role);
    assert.deepEqual(orderScopeOf(who(['admin', 'fulfilment'], 'parcel-co')), { partnerId: 'parcel-co' });
  });

  it('refuses a fulfilment user whose token names no partner (403 "belongs to no partner")', () => {
    assert.throws(
      () => orderScopeOf(who(['fulfilment'])),
      (error: unknown) =>
        error instanceof ForbiddenError &&
        error.statusCode === 403 &&
        /belongs to no partner/.test(error.detail),
    );
    assert.throws(() => orderScopeOf(who(['fulfilment', 'integration'])), ForbiddenError);
  });

  it('lets a fulfilment user without a partner through when another role sees the whole tenant', () => {
    for (const role of ['admin', 'sales', 'approver', 'analyst', 'finance'] as const)
      assert.deepEqual(orderScopeOf(who(['fulfilment', role])), TENANT_WIDE, role);
  });

  it('gives every other caller without a partner the whole tenant', () => {
    for (const role of ROLES.filter((r) => r !== 'fulfilment'))
      assert.deepEqual(orderScopeOf(who([role])), TENANT_WIDE, role);
    assert.deepEqual(orderScopeOf(who([])), TENANT_WIDE);
  });
});

describe('what a scope sees', () => {
  it('sees every order tenant-wide, and only its own partner’s orders when bound to one', () => {
    assert.equal(scopeSees(TENANT_WIDE, 'parcel-co'), true);
    assert.equal(scopeSees({ partnerId: 'parcel-co' }, 'parcel-co'), true);
    assert.equal(scopeSees({ partnerId: 'parcel-co' }, 'in-house'), false);
  });
});
