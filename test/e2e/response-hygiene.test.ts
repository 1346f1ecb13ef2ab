import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { type ApiResponse, startTestTwin, tenantTokens } from '../support/twin';

/**
 * What a browser gets from the API, over HTTP on the twin: every response — a function's
 * success, its problem, the gateway's own refusals, the docs page and the API description —
 * says `X-Content-Type-Options: nosniff`; and the docs page keeps the bearer token a person
 * pastes in memory, never in the browser's storage.
 */
const twin = await startTestTwin();
const { token } = await tenantTokens(twin, ['admin']);
const api = twin.client(token);
const anonymous = twin.client();

function assertNoSniff(res: ApiResponse, status: number, what: string) {
  assert.equal(res.status, status, `${what}: ${res.text.slice(0, 300)}`);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what} says nosniff`);
}

describe('response hygiene', () => {
  afterAll(() => twin.stop());

  it('every kind of response says nosniff: functions’ successes and problems, the gateway’s own answers', async () => {
    assertNoSniff(await api.post('/v1/customers', { name: 'Nosniff Ltd' }), 201, 'a created resource');
    assertNoSniff(await api.get('/v1/customers'), 200, 'a list');
    assertNoSniff(await anonymous.get('/health'), 200, 'a public function');
    assertNoSniff(await api.post('/v1/customers', { name: '' }), 400, 'a function’s validation problem');
    assertNoSniff(await api.get('/v1/customers/01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404, 'a function’s 404');
    assertNoSniff(await anonymous.get('/v1/customers'), 401, 'the gateway’s 401');
    assertNoSniff(await api.get('/v1/no-such-thing'), 404, 'the gateway’s route-not-found');
    assertNoSniff(
      await api.raw('GET', '/v1/customers', { headers: { 'x-padding': 'a'.repeat(20_000) } }),
      431,
      'the gateway’s answer to headers Node refuses',
    );
    for (const res of [
      await anonymous.get('/docs'),
      await anonymous.get('/docs/init.js'),
      await anonymous.get('/docs/swagger-ui.css'),
    ]) {
      assertNoSniff(res, 200, 'the docs');
    }
    const description = await anonymous.get('/openapi.json');
    assertNoSniff(description, 200, 'the OpenAPI document');
    assert.equal(description.body.openapi, '3.1.0');
  });

  it('a path whose percent-encoding does not decode is a 400 problem naming it, not a 500', async () => {
    const res = await api.get('/v1/customers/%E0%A4%A');
    assertNoSniff(res, 400, 'a malformed path');
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(res.body.type, 'urn:orderly:problem:malformed-path');
    assert.deepEqual(res.body.errors, [{ field: 'path.customerId', message: 'malformed percent-encoding' }]);
  });

  it('the docs page keeps a pasted token in memory: persistence off, no script of its own touches storage', async () => {
    const page = await anonymous.get('/docs');
    const scripts = [...page.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(scripts, [
      '<script src="/docs/swagger-ui-bundle.js">',
      '<script src="/docs/swagger-ui-standalone-preset.js">',
      '<script src="/docs/init.js">',
    ]);
    const init = (await anonymous.get('/docs/init.js')).text;
    for (const text of [page.text, init])
      assert.doesNotMatch(text, /localStorage|sessionStorage|indexedDB|cookie/i);

    // The set-up as the browser runs it, with Swagger UI stood in for: the options it is given.
    const given: Record<string, unknown>[] = [];
    const SwaggerUIBundle = Object.assign((options: Record<string, unknown>) => given.push(options), {
      presets: { apis: 'apis-preset' },
    });
    new Function('window', 'SwaggerUIBundle', 'SwaggerUIStandalonePreset', init)(
      {},
      SwaggerUIBundle,
      'standalone-preset',
    );
    assert.equal(given.length, 1);
    assert.equal(
      given[0]?.persistAuthorization,
      false,
      'Swagger UI does not write the token to localStorage',
    );
    assert.equal(given[0]?.queryConfigEnabled, false, 'no query string can turn it on');
    assert.equal(given[0]?.url, '/openapi.json');
  });
});
