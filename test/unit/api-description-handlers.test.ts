import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'vitest';
import { handler as docsAsset } from '../../functions/system/docs-asset';
import { handler as openApi } from '../../functions/system/openapi';
import { invoke } from '../support/invoke';

/**
 * GET /openapi.json and GET /docs/{file+} called in-process with the HTTP API's event (the twin,
 * and so test/e2e/api-description.test.ts, reaches them only in its worker threads).
 */
describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document whose introduction says how roles, money and errors are described', async () => {
    const res = await invoke(openApi, { routeKey: 'GET /openapi.json' });
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    const { title, version, description } = res.body.info;
    assert.deepEqual([title, version], ['Orderly API', '1']);
    assert.match(description, /^Sales management and order processing\. Authenticate with a bearer JWT/);
    for (const extension of ['x-roles', 'x-integration-scope', 'x-field-roles'])
      assert.ok(description.includes(`(\`${extension}\`)`), `the introduction explains ${extension}`);
    assert.match(description, /Money is an integer count of minor units plus an ISO 4217 currency\./);
    assert.match(description, /Errors are RFC 9457 problems\.$/);
    // What the introduction promises is there: an operation an integration may call carries all three.
    const create = res.body.paths['/v1/customers'].post;
    assert.ok(create['x-roles'].includes('integration'));
    assert.equal(typeof create['x-integration-scope'], 'string');
  });
});

describe('GET /docs/{file+}', () => {
  const dist = (file: string) => createRequire(import.meta.url).resolve(`swagger-ui-dist/${file}`);
  const get = (file: string) =>
    invoke(docsAsset, {
      routeKey: 'GET /docs/{file+}',
      path: `/docs/${file}`,
      pathParameters: { file },
    });

  it('serves Swagger UI’s stylesheet and scripts, each with its media type', async () => {
    for (const [file, type] of [
      ['swagger-ui.css', 'text/css; charset=utf-8'],
      ['swagger-ui-bundle.js', 'application/javascript; charset=utf-8'],
      ['swagger-ui-standalone-preset.js', 'application/javascript; charset=utf-8'],
    ] as const) {
      const res = await get(file);
      assert.equal(res.status, 200, file);
      assert.equal(res.headers['content-type'], type, file);
      assert.equal(res.headers['cache-control'], 'public, max-age=86400', file);
      assert.equal(res.body, readFileSync(dist(file), 'utf8'), file);
    }
  });

  it('answers 404 for any other file', async () => {
    for (const file of ['index.html', '../package.json', 'swagger-ui.css.map']) {
      const res = await get(file);
      assert.equal(res.status, 404, file);
      assert.equal(res.body.type, 'urn:orderly:problem:not-found', file);
    }
  });
});
