import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { httpFunctions } from '../../functions/manifest';
import { startTestTwin, tenantTokens } from '../support/twin';

const twin = await startTestTwin();

describe('the API describes itself', () => {
  afterAll(() => twin.stop());

  it('serves an OpenAPI 3.1 document listing every manifest route with its schemas', async () => {
    const res = await twin.client().get('/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    for (const { operation } of httpFunctions) {
      const path = operation.path.replace('{file+}', '{file}');
      const described = res.body.paths[path]?.[operation.method.toLowerCase()];
      assert.ok(described, `${operation.method} ${operation.path} is described`);
      assert.equal(described.operationId, operation.operationId);
      assert.deepEqual(described.security, 'public' in operation.auth ? [] : [{ bearer: [] }]);
    }
    const create = res.body.paths['/v1/customers'].post;
    const schema = create.requestBody.content['application/json'].schema;
    assert.deepEqual(schema.required, ['name']);
    assert.equal(schema.additionalProperties, false);
    assert.ok(create.parameters.some((p: { name: string }) => p.name === 'Idempotency-Key'));
  });

  it('serves interactive docs with their assets from its own origin', async () => {
    const page = await twin.client().get('/docs');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    // Scripts only from our own origin, no framing: the page runs under a strict policy.
    assert.equal(
      page.headers.get('content-security-policy'),
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'",
    );
    assert.match(page.text, /<div id="swagger-ui"><\/div>/);
    const assets = [...page.text.matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(assets, [
      '/docs/swagger-ui.css',
      '/docs/swagger-ui-bundle.js',
      '/docs/swagger-ui-standalone-preset.js',
      '/docs/init.js',
    ]);
    for (const src of page.text.matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)) {
      const asset = await twin.client().get(src[1] as string);
      assert.equal(asset.status, 200, src[1]);
      assert.ok(asset.text.length > 0);
    }
    assert.equal((await twin.client().get('/docs/../package.json')).status, 404);
    assert.equal((await twin.client().get('/docs/secret.js')).status, 404);
  });

  /**
   * What each route answers an admin who calls it with `x` for every path parameter and `{}` for
   * every body, written out by hand: reads without parameters answer 200 (a run is accepted, 202);
   * `x` is no valid id (400 naming the parameter, before any body is read), `{}` lacks required
   * fields (400), and a list of deliveries needs its endpoint (400); the partner's three reports
   * are not the admin's to make (403); an unsigned inbound message is 401; no doc file is named x (404).
   */
  const PROBE_STATUS: Record<string, number> = {
    'GET /health': 200,
    'GET /openapi.json': 200,
    'GET /docs': 200,
    'GET /docs/{file+}': 404,
    'POST /v1/customers': 400,
    'GET /v1/customers/{customerId}': 400,
    'GET /v1/customers': 200,
    'PATCH /v1/customers/{customerId}': 400,
    'POST /v1/products': 400,
    'GET /v1/products/{productId}': 400,
    'GET /v1/products': 200,
    'PATCH /v1/products/{productId}': 400,
    'POST /v1/products/{productId}/stock-adjustments': 400,
    'POST /v1/customers/batch': 400,
    'POST /v1/products/batch': 400,
    'POST /v1/orders/history': 400,
    'GET /v1/orders/export': 200,
    'GET /v1/approval-rules': 200,
    'PUT /v1/approval-rules': 400,
    'GET /v1/audit': 200,
    'POST /v1/approval-rules/simulate': 400,
    'GET /v1/settings/fulfilment-partners': 200,
    'PUT /v1/settings/fulfilment-partners': 400,
    'POST /v1/orders': 400,
    'GET /v1/orders/{orderId}': 400,
    'GET /v1/orders': 200,
    'GET /v1/orders/{orderId}/timeline': 400,
    'GET /v1/approvals': 200,
    'POST /v1/orders/{orderId}/approve': 400,
    'POST /v1/orders/{orderId}/reject': 400,
    'POST /v1/orders/{orderId}/shipments': 403,
    'POST /v1/orders/{orderId}/delivery': 403,
    'POST /v1/orders/{orderId}/fulfilment-failure': 403,
    'POST /v1/orders/{orderId}/cancel': 400,
    'POST /v1/orders/{orderId}/feedback': 400,
    'GET /v1/events': 200,
    'GET /v1/event-types': 200,
    'POST /v1/needs': 400,
    'POST /v1/needs/batch': 400,
    'GET /v1/needs/{needId}': 400,
    'PATCH /v1/needs/{needId}': 400,
    'GET /v1/needs/{needId}/history': 400,
    'GET /v1/needs': 200,
    'GET /v1/needs/changes': 200,
    'GET /v1/needs/export': 200,
    'GET /v1/settings/tenant': 200,
    'PUT /v1/settings/tenant': 400,
    'GET /v1/analysis/needs/summary': 200,
    'GET /v1/reports/revenue': 200,
    'GET /v1/reports/pipeline': 200,
    'GET /v1/reports/fulfilment': 200,
    'GET /v1/customers/{customerId}/recommendations': 400,
    'POST /v1/analysis/runs': 202,
    'GET /v1/analysis/runs/{runId}': 400,
    'GET /v1/analysis/runs': 200,
    'GET /v1/analysis/segments/latest': 200,
    'GET /v1/analysis/needs/trends': 200,
    'GET /v1/analysis/classifier/latest': 200,
    'POST /v1/webhooks/endpoints': 400,
    'GET /v1/webhooks/endpoints': 200,
    'GET /v1/webhooks/endpoints/{endpointId}': 400,
    'PATCH /v1/webhooks/endpoints/{endpointId}': 400,
    'DELETE /v1/webhooks/endpoints/{endpointId}': 400,
    'POST /v1/webhooks/endpoints/{endpointId}/rotate-secret': 400,
    'POST /v1/webhooks/inbound-sources': 400,
    'GET /v1/webhooks/inbound-sources': 200,
    'DELETE /v1/webhooks/inbound-sources/{sourceId}': 400,
    'POST /v1/webhooks/inbound-sources/{sourceId}/rotate-secret': 400,
    'POST /v1/inbound/fulfilment/{sourceId}': 401,
    'POST /v1/inbound/needs/{sourceId}': 401,
    'GET /v1/webhooks/deliveries': 400,
    'GET /v1/webhooks/deliveries/{deliveryId}': 400,
    'POST /v1/webhooks/deliveries/{deliveryId}/redeliver': 400,
  };
  /** The problem each error status above comes with. */
  const PROBLEM: Record<number, string> = {
    400: 'urn:orderly:problem:validation-error',
    401: 'urn:orderly:problem:invalid-signature',
    403: 'urn:orderly:problem:forbidden',
    404: 'urn:orderly:problem:not-found',
  };

  it('mounts every manifest route in the local gateway, each answering what its handler must', async () => {
    assert.deepEqual(
      httpFunctions.map(({ operation }) => `${operation.method} ${operation.path}`).sort(),
      Object.keys(PROBE_STATUS).sort(),
      'the table lists every route',
    );
    const { token } = await tenantTokens(twin, ['admin']);
    const api = twin.client(token);
    // One cold start per function: a few at a time, as a client's parallel calls would cause them.
    const pending = [...httpFunctions];
    const probe = async () => {
      for (let fn = pending.shift(); fn; fn = pending.shift()) {
        const { operation } = fn;
        const route = `${operation.method} ${operation.path}`;
        const path = operation.path.replace(/\{[^}]+\}/g, 'x');
        const res = await api.raw(operation.method, path, operation.body ? { body: {} } : {});
        const where = `${route} answered ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        // The gateway's own 404 is a route-not-found problem; a handler answers with another problem or a result.
        assert.notEqual(res.body?.type, 'urn:orderly:problem:route-not-found', `${route} is mounted`);
        const expected = PROBE_STATUS[route] as number;
        assert.equal(res.status, expected, where);
        if (expected >= 400) assert.equal(res.body?.type, PROBLEM[expected], where);
      }
    };
    await Promise.all([probe(), probe(), probe()]);
  });
});
