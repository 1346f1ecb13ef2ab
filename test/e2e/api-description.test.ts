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
    for (const src of page.text.matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)) {
      const asset = await twin.client().get(src[1] as string);
      assert.equal(asset.status, 200, src[1]);
      assert.ok(asset.text.length > 0);
    }
    assert.equal((await twin.client().get('/docs/../package.json')).status, 404);
    assert.equal((await twin.client().get('/docs/secret.js')).status, 404);
  });

  it('mounts every manifest route in the local gateway', async () => {
    const { token } = await tenantTokens(twin, ['admin']);
    const api = twin.client(token);
    // One cold start per function: a few at a time, as a client's parallel calls would cause them.
    const pending = [...httpFunctions];
    const probe = async () => {
      for (let fn = pending.shift(); fn; fn = pending.shift()) {
        const { operation } = fn;
        const path = operation.path.replace(/\{[^}]+\}/g, 'x');
        const res = await api.raw(operation.method, path, operation.body ? { body: {} } : {});
        // The gateway's own 404 is a route-not-found problem; a handler answers with another problem or a result.
        assert.notEqual(
          res.body?.type,
          'urn:orderly:problem:route-not-found',
          `${operation.method} ${operation.path} is mounted`,
        );
        assert.ok(res.status < 500, `${operation.method} ${operation.path} answered ${res.status}`);
      }
    };
    await Promise.all([probe(), probe(), probe()]);
  }, 300_000);
});
