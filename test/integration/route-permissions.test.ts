import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import * as z from 'zod';
import { httpFunctions } from '../../functions/manifest';
import { scopeOf } from '../../functions/shared/auth/permissions';
import type { Principal } from '../../functions/shared/auth/principal';
import { ROLES, type Role } from '../../functions/shared/auth/roles';
import type { HttpLambda } from '../../functions/shared/http/handler';
import { type Operation, routeKeyOf } from '../../functions/shared/http/operation';
import { exampleOf } from '../fuzz/examples';
import type { JsonSchema } from '../fuzz/openapi';
import { createTestTables } from '../support/database';
import { invoke } from '../support/invoke';

/**
 * Who may call each route, written out here by hand rather than read from the operations'
 * declarations (test/integration/permission-matrix.test.ts derives its expectations from those,
 * so a role dropped from or added to a route passes there). Every route of the manifest must be
 * in this table; each is called through its real handler (DynamoDB Local behind it) by every role
 * and by nobody: a listed role gets past authorization (no 401/403), an unlisted one gets the
 * role check's 403, no token gets 401. An integration caller carries the route's scope, so what
 * is judged here is its role alone. Changing who may call a route means changing this table.
 */
const tables = await createTestTables();
afterAll(() => tables.drop());

/** Route → the roles that may call it, in the order of ROLES. */
const MAY_CALL: Record<string, string> = {
  'POST /v1/customers': 'admin sales integration finance',
  'GET /v1/customers/{customerId}': 'admin sales approver analyst integration finance',
  'GET /v1/customers': 'admin sales approver analyst integration finance',
  'PATCH /v1/customers/{customerId}': 'admin sales integration finance',
  'POST /v1/products': 'admin finance',
  'GET /v1/products/{productId}': 'admin sales approver fulfilment analyst integration finance',
  'GET /v1/products': 'admin sales approver fulfilment analyst integration finance',
  'PATCH /v1/products/{productId}': 'admin sales integration finance',
  'POST /v1/products/{productId}/stock-adjustments': 'admin fulfilment integration',
  'POST /v1/customers/batch': 'admin sales integration finance',
  'POST /v1/products/batch': 'admin finance',
  'POST /v1/orders/history': 'admin integration',
  'GET /v1/orders/export': 'admin sales approver fulfilment analyst integration finance',
  'GET /v1/approval-rules': 'admin approver',
  'PUT /v1/approval-rules': 'admin',
  'GET /v1/audit': 'admin',
  'POST /v1/approval-rules/simulate': 'admin',
  'GET /v1/settings/fulfilment-partners': 'admin finance',
  'PUT /v1/settings/fulfilment-partners': 'admin',
  'POST /v1/orders': 'admin sales integration',
  'GET /v1/orders/{orderId}': 'admin sales approver fulfilment analyst integration finance',
  'GET /v1/orders': 'admin sales approver fulfilment analyst integration finance',
  'GET /v1/orders/{orderId}/timeline': 'admin sales approver fulfilment analyst integration finance',
  'GET /v1/approvals': 'admin sales approver fulfilment finance',
  'POST /v1/orders/{orderId}/approve': 'admin sales approver fulfilment finance',
  'POST /v1/orders/{orderId}/reject': 'admin sales approver fulfilment finance',
  'POST /v1/orders/{orderId}/shipments': 'fulfilment integration',
  'POST /v1/orders/{orderId}/delivery': 'fulfilment integration',
  'POST /v1/orders/{orderId}/fulfilment-failure': 'fulfilment integration',
  'POST /v1/orders/{orderId}/cancel': 'admin sales',
  'POST /v1/orders/{orderId}/feedback': 'admin sales integration',
  'GET /v1/events': 'admin integration',
  'GET /v1/event-types': 'admin sales approver fulfilment analyst integration finance',
  'POST /v1/needs': 'admin sales integration',
  'POST /v1/needs/batch': 'admin sales integration',
  'GET /v1/needs/{needId}': 'admin sales approver analyst integration finance',
  'PATCH /v1/needs/{needId}': 'admin sales integration',
  'GET /v1/needs/{needId}/history': 'admin sales approver analyst integration finance',
  'GET /v1/needs': 'admin sales approver analyst integration finance',
  'GET /v1/needs/changes': 'admin sales approver analyst integration finance',
  'GET /v1/needs/export': 'admin sales approver analyst integration finance',
  'GET /v1/settings/tenant': 'admin sales analyst finance',
  'PUT /v1/settings/tenant': 'admin',
  'GET /v1/analysis/needs/summary': 'admin sales analyst finance',
  'GET /v1/reports/revenue': 'admin sales analyst finance',
  'GET /v1/reports/pipeline': 'admin sales analyst finance',
  'GET /v1/reports/fulfilment': 'admin sales analyst finance',
  'GET /v1/customers/{customerId}/recommendations': 'admin sales analyst',
  'POST /v1/analysis/runs': 'admin analyst',
  'GET /v1/analysis/runs/{runId}': 'admin analyst',
  'GET /v1/analysis/runs': 'admin analyst',
  'GET /v1/analysis/segments/latest': 'admin sales analyst',
  'GET /v1/analysis/needs/trends': 'admin sales analyst',
  'GET /v1/analysis/classifier/latest': 'admin sales analyst',
  'POST /v1/webhooks/endpoints': 'admin integration',
  'GET /v1/webhooks/endpoints': 'admin integration',
  'GET /v1/webhooks/endpoints/{endpointId}': 'admin integration',
  'PATCH /v1/webhooks/endpoints/{endpointId}': 'admin integration',
  'DELETE /v1/webhooks/endpoints/{endpointId}': 'admin integration',
  'POST /v1/webhooks/endpoints/{endpointId}/rotate-secret': 'admin integration',
  'POST /v1/webhooks/inbound-sources': 'admin',
  'GET /v1/webhooks/inbound-sources': 'admin',
  'DELETE /v1/webhooks/inbound-sources/{sourceId}': 'admin',
  'POST /v1/webhooks/inbound-sources/{sourceId}/rotate-secret': 'admin',
  'GET /v1/webhooks/deliveries': 'admin integration',
  'GET /v1/webhooks/deliveries/{deliveryId}': 'admin integration',
  'POST /v1/webhooks/deliveries/{deliveryId}/redeliver': 'admin integration',
};

/** Routes anyone may call, without a token. */
const PUBLIC = [
  'GET /health',
  'GET /openapi.json',
  'GET /docs',
  'GET /docs/{file+}',
  'POST /v1/inbound/fulfilment/{sourceId}',
  'POST /v1/inbound/needs/{sourceId}',
];

const tenantId = 'route-permissions';
const principalOf = (role: Role, op: Operation): Principal => ({
  tenantId,
  userId: `${role}-user`,
  roles: [role],
  // A fulfilment user works for a partner; the tenant's default one.
  ...(role === 'fulfilment' ? { partnerId: 'in-house' } : {}),
  ...(role === 'integration' ? { scopes: [scopeOf(op)] } : {}),
});

async function handlerOf(entry: string): Promise<HttpLambda> {
  return ((await import(/* @vite-ignore */ `../../${entry}`)) as { handler: HttpLambda }).handler;
}

/** A request with valid path parameters and no body: authorization comes before anything else. */
function requestOf(op: Operation) {
  const pathParameters = op.params
    ? (exampleOf(z.toJSONSchema(op.params, { io: 'input', unrepresentable: 'any' }) as JsonSchema, {})
        .value as Record<string, string>)
    : undefined;
  const path = op.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => pathParameters?.[name] ?? 'x');
  return {
    routeKey: routeKeyOf(op),
    path,
    ...(pathParameters ? { pathParameters } : {}),
    ...(op.requiresIfMatch ? { headers: { 'if-match': '"1"' } } : {}),
  };
}

describe('route permissions, from a table written out by hand', () => {
  it('the table lists every route of the manifest, and only those', () => {
    const declaredPrivate = httpFunctions.filter((fn) => !('public' in fn.operation.auth));
    const declaredPublic = httpFunctions.filter((fn) => 'public' in fn.operation.auth);
    assert.deepEqual(
      declaredPrivate.map((fn) => routeKeyOf(fn.operation)).sort(),
      Object.keys(MAY_CALL).sort(),
    );
    assert.deepEqual(declaredPublic.map((fn) => routeKeyOf(fn.operation)).sort(), [...PUBLIC].sort());
  });

  for (const { entry, operation: op } of httpFunctions) {
    const route = routeKeyOf(op);
    const allowed = MAY_CALL[route]?.split(' ');
    if (!allowed) continue;
    it(`${route}: ${allowed.join(', ')}; nobody else`, async () => {
      const handler = await handlerOf(entry);
      const anonymous = await invoke(handler, requestOf(op));
      assert.equal(anonymous.status, 401, `${route} without a token`);
      for (const role of ROLES) {
        const res = await invoke(handler, { ...requestOf(op), principal: principalOf(role, op) });
        const where = `${route} by ${role}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        if (allowed.includes(role)) {
          assert.ok(![401, 403].includes(res.status), `may call: ${where}`);
        } else {
          assert.equal(res.status, 403, `may not call: ${where}`);
          assert.equal(res.body.type, 'urn:orderly:problem:forbidden', where);
          assert.ok(res.body.detail.startsWith(`${route} needs one of the roles: `), where);
        }
      }
    }, 60_000);
  }
});
