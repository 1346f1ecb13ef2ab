import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import * as z from 'zod';
import { httpFunctions } from '../../functions/manifest';
import { scopeOf } from '../../functions/shared/auth/permissions';
import type { Principal } from '../../functions/shared/auth/principal';
import { ROLES, type Role } from '../../functions/shared/auth/roles';
import type { HttpLambda } from '../../functions/shared/http/handler';
import type { Operation, RouteAuth } from '../../functions/shared/http/operation';
import { COMMON_HINTS, exampleOf } from '../fuzz/examples';
import type { JsonSchema } from '../fuzz/openapi';
import { createTestTables } from '../support/database';
import { invoke } from '../support/invoke';

/**
 * The permission matrix, generated from the operations' own declarations: every private route
 * called by every role and by nobody, and every restricted field set by every role. The expected
 * status comes from `auth` (roles, scope, fields), never from a list kept here, so a new route or a
 * new restricted field is checked the day it is declared. Calls run the real handlers against
 * DynamoDB Local; what matters is whether the caller got past authorization (401/403 or not).
 */
const tables = await createTestTables();
afterAll(() => tables.drop());

const tenantId = 'matrix';
const DENIED = [401, 403];
type Caller = { name: string; principal?: Principal; expect: 'allowed' | 401 | 403 };

const schemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

const principalOf = (role: Role, scopes?: string[]): Principal => ({
  tenantId,
  userId: `${role}-user`,
  roles: [role],
  // Fulfilment users work for a partner; the tenant's default one sees every unassigned order.
  ...(role === 'fulfilment' ? { partnerId: 'in-house' } : {}),
  ...(scopes ? { scopes } : {}),
});

/** Every caller of a route and what its declarations say they get. */
function callersOf(op: Operation & { auth: RouteAuth }): Caller[] {
  const callers: Caller[] = [{ name: 'no token', expect: 401 }];
  for (const role of ROLES) {
    const allowed = op.auth.roles.includes(role);
    if (role === 'integration' && allowed) {
      callers.push({
        name: 'integration with its scope',
        principal: principalOf(role, [scopeOf(op)]),
        expect: 'allowed',
      });
      callers.push({
        name: 'integration with another scope',
        principal: principalOf(role, ['other:read']),
        expect: 403,
      });
    } else {
      callers.push({ name: role, principal: principalOf(role), expect: allowed ? 'allowed' : 403 });
    }
  }
  return callers;
}

const privateRoutes = httpFunctions
  .map((fn) => ({ fn, op: fn.operation }))
  .filter(
    (entry): entry is { fn: (typeof httpFunctions)[number]; op: Operation & { auth: RouteAuth } } =>
      'roles' in entry.op.auth,
  );

async function handlerOf(entry: string): Promise<HttpLambda> {
  return ((await import(/* @vite-ignore */ `../../${entry}`)) as { handler: HttpLambda }).handler;
}

function requestOf(op: Operation, body?: unknown) {
  const pathParameters = op.params
    ? (exampleOf(schemaOf(op.params), {}).value as Record<string, string>)
    : undefined;
  const path = op.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => pathParameters?.[name] ?? 'x');
  return {
    routeKey: `${op.method} ${op.path}`,
    path,
    ...(pathParameters ? { pathParameters } : {}),
    ...(body === undefined ? {} : { body }),
    ...(op.requiresIfMatch ? { headers: { 'if-match': '"1"' } } : {}),
  };
}

describe('every route, every role and none', () => {
  const cases = privateRoutes.flatMap(({ fn, op }) => callersOf(op).map((caller) => ({ fn, op, caller })));

  it(`${privateRoutes.length} routes × ${ROLES.length + 2} callers: the status the declarations give`, async () => {
    assert.ok(privateRoutes.length >= 25, 'the manifest lists the private routes');
    for (const { fn, op, caller } of cases) {
      const response = await invoke(await handlerOf(fn.entry), {
        ...requestOf(op),
        ...(caller.principal ? { principal: caller.principal } : {}),
      });
      const where = `${op.operationId} by ${caller.name}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`;
      if (caller.expect === 'allowed') assert.ok(!DENIED.includes(response.status), where);
      else assert.equal(response.status, caller.expect, where);
    }
  }, 120_000);
});

describe('every restricted field, every role', () => {
  const restricted = privateRoutes.filter(({ op }) => op.auth.fields && op.body);

  it('the routes that carry commercial terms declare them', () => {
    const declared = restricted.map(
      ({ op }) => `${op.operationId}: ${Object.keys(op.auth.fields ?? {}).join(', ')}`,
    );
    assert.deepEqual(declared.sort(), [
      'batchCreateCustomers: creditLimit',
      'createCustomer: creditLimit',
      'updateCustomer: creditLimit',
      'updateProduct: unitPrice, category, active',
    ]);
  });

  /**
   * A batch's restricted fields apply to each item (functions/shared/http/batch.ts): its example
   * item is the body of the single create on the same path, and the answer to look at is the item's.
   */
  const isBatch = (op: Operation) => op.idempotent === 'per-item';
  const singleCreateOf = (op: Operation) =>
    httpFunctions.find((f) => f.operation.method === 'POST' && `${f.operation.path}/batch` === op.path)
      ?.operation;

  for (const { fn, op } of restricted) {
    const fields = op.auth.fields ?? {};
    const bodySchema = (isBatch(op) ? singleCreateOf(op)?.body : op.body) as z.ZodType;
    const example = exampleOf(schemaOf(bodySchema), COMMON_HINTS).value as Record<string, unknown>;
    for (const field of Object.keys(fields)) {
      it(`${op.operationId}.${field}: set by each role, the first field the caller may not set is named`, async () => {
        // A patch carries only this field; a create carries what it needs and this field.
        const body = op.method === 'PATCH' ? { [field]: example[field] } : { ...example };
        assert.notEqual(body[field], undefined, `the example sets ${field}`);
        for (const caller of callersOf(op)) {
          const sent = await invoke(await handlerOf(fn.entry), {
            ...requestOf(op, isBatch(op) ? { items: [body] } : body),
            ...(caller.principal ? { principal: caller.principal } : {}),
          });
          // A batch answers 200 with the item's own status and problem.
          const item = isBatch(op) && sent.status === 200 ? sent.body.results[0] : undefined;
          const response = item ? { status: item.status, body: item.problem ?? {} } : sent;
          const prefix = item ? 'body.items.0' : 'body';
          const where = `${op.operationId} {${Object.keys(body).join(', ')}} by ${caller.name}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`;
          const roles = caller.principal?.roles ?? [];
          const refused = Object.entries(fields).find(
            ([name, allowed]) => body[name] !== undefined && !roles.some((role) => allowed.includes(role)),
          );
          if (caller.expect !== 'allowed') {
            assert.equal(response.status, caller.expect, where);
          } else if (refused) {
            assert.equal(response.status, 403, where);
            assert.equal(response.body.errors?.[0]?.field, `${prefix}.${refused[0]}`, where);
            assert.match(response.body.detail, new RegExp(`may set ${refused[0]}`), where);
          } else {
            assert.ok(!DENIED.includes(response.status), where);
          }
        }
      }, 60_000);
    }
  }
});
