import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { assertItemFields } from '../../functions/customers/batch-create';
import { assertMayCall, assertMaySetFields, scopeOf } from '../../functions/shared/auth/permissions';
import type { Principal } from '../../functions/shared/auth/principal';
import {
  APPROVING_ROLES,
  isRole,
  NON_APPROVING_ROLES,
  ROLES,
  type Role,
  TERMS_SETTERS,
} from '../../functions/shared/auth/roles';
import { ForbiddenError } from '../../functions/shared/http/errors';
import type { Operation } from '../../functions/shared/http/operation';

/**
 * The one access decision (`assertMayCall`, `assertMaySetFields`, `scopeOf`) on operations written
 * here, so that each refusal branch is reached with the exact 403 detail it must give: no allowing
 * role; an integration without the route's scope; an integration that also holds another allowing
 * role (needs no scope); a restricted field set by a role not allowed to set it, even as `null`.
 * The permission matrix (test/integration/permission-matrix.test.ts) checks the real routes; this
 * pins the rules themselves, with the texts and the role lists written out.
 */
const op = (overrides: Partial<Operation> = {}): Operation => ({
  operationId: 'doThing',
  method: 'POST',
  path: '/v1/things',
  summary: 'A thing',
  tag: 'Things',
  auth: { roles: ['admin', 'integration'] },
  responses: { 201: { description: 'created' } },
  ...overrides,
});

const who = (roles: Role[], scopes?: string[]): Principal => ({
  tenantId: 'acme',
  userId: 'u1',
  roles,
  ...(scopes ? { scopes } : {}),
});

/** The ForbiddenError `fn` throws: its detail and listed field issues. */
function refusal(fn: () => void): { detail: string; errors: unknown } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ForbiddenError, String(error));
    assert.equal(error.statusCode, 403);
    assert.equal(error.type, 'forbidden');
    return { detail: error.detail, errors: error.extensions.errors };
  }
  assert.fail('allowed');
}

describe('assertMayCall', () => {
  it('refuses a caller with none of the route’s roles, naming them all in order', () => {
    assert.equal(
      refusal(() => assertMayCall(who(['sales', 'analyst']), op())).detail,
      'POST /v1/things needs one of the roles: admin, integration.',
    );
    assert.equal(
      refusal(() => assertMayCall(who([]), op())).detail,
      'POST /v1/things needs one of the roles: admin, integration.',
    );
  });

  it('lets in every role the route names, and only those', () => {
    const route = op({ auth: { roles: ['sales', 'finance'] } });
    for (const role of ROLES) {
      if (role === 'sales' || role === 'finance')
        assert.doesNotThrow(() => assertMayCall(who([role]), route));
      else assert.throws(() => assertMayCall(who([role]), route), ForbiddenError, role);
    }
  });

  it('refuses an integration without the route’s scope, naming the scope it needs', () => {
    assert.equal(
      refusal(() => assertMayCall(who(['integration']), op())).detail,
      'POST /v1/things needs the scope things:write for an integration.',
    );
    assert.equal(
      refusal(() => assertMayCall(who(['integration'], ['things:read']), op())).detail,
      'POST /v1/things needs the scope things:write for an integration.',
    );
    assert.doesNotThrow(() => assertMayCall(who(['integration'], ['things:read', 'things:write']), op()));
  });

  it('asks no scope of an integration that holds another allowing role', () => {
    assert.doesNotThrow(() => assertMayCall(who(['integration', 'admin']), op()));
    assert.doesNotThrow(() => assertMayCall(who(['admin', 'integration']), op()));
  });

  it('a role the route does not allow does not excuse an integration from the scope', () => {
    // `sales` grants nothing here, so the integration role alone decides: it needs the scope.
    assert.equal(
      refusal(() => assertMayCall(who(['sales', 'integration']), op())).detail,
      'POST /v1/things needs the scope things:write for an integration.',
    );
  });

  it('a non-integration role needs no scope at all', () => {
    assert.doesNotThrow(() => assertMayCall(who(['admin']), op()));
  });

  it('refuses a public operation outright: it has no roles', () => {
    assert.throws(() => assertMayCall(who(['admin']), op({ auth: { public: true } })), {
      message: 'doThing is public: it has no roles',
    });
  });
});

describe('scopeOf', () => {
  it('is <tag>:read for GET and <tag>:write for every other method', () => {
    assert.equal(scopeOf(op({ method: 'GET' })), 'things:read');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const)
      assert.equal(scopeOf(op({ method })), 'things:write', method);
  });

  it('lower-cases the tag and joins its words with one hyphen each', () => {
    assert.equal(scopeOf(op({ tag: 'Webhook  Endpoints', method: 'GET' })), 'webhook-endpoints:read');
    assert.equal(scopeOf(op({ tag: 'Stock Adjustments Log' })), 'stock-adjustments-log:write');
  });

  it('takes a declared scope over the default', () => {
    assert.equal(scopeOf(op({ auth: { roles: ['integration'], scope: 'stock:write' } })), 'stock:write');
    assert.equal(
      refusal(() =>
        assertMayCall(
          who(['integration'], ['things:write']),
          op({ auth: { roles: ['integration'], scope: 'stock:write' } }),
        ),
      ).detail,
      'POST /v1/things needs the scope stock:write for an integration.',
    );
  });
});

describe('assertMaySetFields', () => {
  const route = op({
    auth: { roles: ['admin', 'sales', 'finance'], fields: { creditLimit: ['admin', 'finance'] } },
  });

  it('refuses a restricted field set by a role that may not set it, naming field and roles', () => {
    const { detail, errors } = refusal(() => assertMaySetFields(who(['sales']), route, { creditLimit: 5 }));
    assert.equal(detail, 'Only admin, finance may set creditLimit.');
    assert.deepEqual(errors, [
      { field: 'body.creditLimit', message: 'needs one of the roles: admin, finance' },
    ]);
  });

  it('counts a field set to null as set, and an absent or undefined one as not', () => {
    assert.throws(() => assertMaySetFields(who(['sales']), route, { creditLimit: null }), ForbiddenError);
    assert.doesNotThrow(() => assertMaySetFields(who(['sales']), route, { name: 'x' }));
    assert.doesNotThrow(() => assertMaySetFields(who(['sales']), route, { creditLimit: undefined }));
  });

  it('lets any role the field names set it, whatever other roles the caller holds', () => {
    assert.doesNotThrow(() => assertMaySetFields(who(['finance']), route, { creditLimit: 5 }));
    assert.doesNotThrow(() => assertMaySetFields(who(['sales', 'admin']), route, { creditLimit: 5 }));
  });

  it('reads only the body’s own fields, never inherited ones', () => {
    const inherited = Object.create({ creditLimit: 5 }) as object;
    assert.doesNotThrow(() => assertMaySetFields(who(['sales']), route, inherited));
  });

  it('checks nothing for a body that is not an object, or a route without restricted fields', () => {
    for (const body of [null, undefined, 'creditLimit', 5])
      assert.doesNotThrow(() => assertMaySetFields(who(['sales']), route, body), String(body));
    assert.doesNotThrow(() => assertMaySetFields(who(['sales']), op(), { creditLimit: 5 }));
  });

  it('names the first restricted field the body carries when several are refused', () => {
    const two = op({ auth: { roles: ['sales'], fields: { price: ['finance'], active: ['admin'] } } });
    assert.equal(
      refusal(() => assertMaySetFields(who(['sales']), two, { active: false, price: 1 })).detail,
      'Only finance may set price.',
    );
    assert.equal(
      refusal(() => assertMaySetFields(who(['sales']), two, { active: false })).detail,
      'Only admin may set active.',
    );
  });
});

describe('assertItemFields (one item of a batch)', () => {
  const route = op({
    auth: { roles: ['admin', 'sales', 'finance'], fields: { creditLimit: ['admin', 'finance'] } },
  });

  it('names the field inside the item the batch refused', () => {
    const { detail, errors } = refusal(() => assertItemFields(who(['sales']), route, { creditLimit: 5 }, 3));
    assert.equal(detail, 'Only admin, finance may set creditLimit.');
    assert.deepEqual(errors, [
      { field: 'body.items.3.creditLimit', message: 'needs one of the roles: admin, finance' },
    ]);
    assert.doesNotThrow(() => assertItemFields(who(['finance']), route, { creditLimit: 5 }, 3));
  });

  it('lets any other error through as it is (a public operation has no roles to check)', () => {
    assert.throws(() => assertItemFields(who(['sales']), op({ auth: { public: true } }), {}, 0), {
      name: 'Error',
      message: 'doThing is public: it has no roles',
    });
  });
});

describe('the role lists', () => {
  it('are exactly the documented ones', () => {
    assert.deepEqual(
      [...ROLES],
      ['admin', 'sales', 'approver', 'fulfilment', 'analyst', 'integration', 'finance'],
    );
    assert.deepEqual([...TERMS_SETTERS], ['admin', 'finance']);
    assert.deepEqual([...NON_APPROVING_ROLES], ['integration', 'analyst']);
    assert.deepEqual([...APPROVING_ROLES], ['admin', 'sales', 'approver', 'fulfilment', 'finance']);
  });

  it('isRole takes the seven role names only, exactly as spelled', () => {
    for (const role of ROLES) assert.equal(isRole(role), true, role);
    for (const name of ['Admin', 'admins', '', 'root', ' admin']) assert.equal(isRole(name), false, name);
  });
});
