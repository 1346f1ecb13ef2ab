import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { httpFunctions } from '../../functions/manifest';
import { createVerifier, newSigningKey } from '../../local/gateway/dev-tokens';
import { startGateway } from '../../local/gateway/server';
import type { LambdaRuntime } from '../../local/lambda/runtime';

/**
 * The twin's gateway in this process, for what it answers before any function runs. Its runtime
 * (worker threads) is left out: nothing here may reach a function, and one that did would fail.
 */
const unreachable = {
  invoke: () => Promise.reject(new Error('no function may run in these tests')),
} as unknown as LambdaRuntime;
const gateway = await startGateway({
  port: 0,
  functions: httpFunctions,
  runtime: unreachable,
  verify: await createVerifier(await newSigningKey()),
});
afterAll(() => gateway.close());

describe('the gateway routes by the request’s method', () => {
  it('answers a method a path lacks with the route-not-found problem, naming that method', async () => {
    for (const method of ['DELETE', 'PUT']) {
      const res = await fetch(`${gateway.url}/v1/customers`, { method });
      assert.equal(res.status, 404, method);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      const body = (await res.json()) as { type: string; detail: string };
      assert.equal(body.type, 'urn:orderly:problem:route-not-found');
      assert.equal(body.detail, `No route matches ${method} /v1/customers; this path answers GET, POST.`);
    }
  });
});

describe('the gateway answers with what the function returned (payload format 2.0)', () => {
  /** A runtime whose one function returns the next of the given results. */
  async function gatewayReturning(results: unknown[]) {
    const runtime = { invoke: async () => results.shift() } as unknown as LambdaRuntime;
    return startGateway({
      port: 0,
      functions: httpFunctions,
      runtime,
      verify: await createVerifier(await newSigningKey()),
    });
  }

  it('takes a result with a statusCode as the response, and anything else as a 200 JSON body', async () => {
    const returning = await gatewayReturning([
      { statusCode: 201, headers: { 'content-type': 'text/plain', 'x-a': '1' }, body: 'made' },
      { status: 'ok' },
      '{"already":"json"}',
      undefined,
    ]);
    try {
      const answers = [];
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${returning.url}/health`);
        answers.push([res.status, res.headers.get('content-type'), await res.text()]);
      }
      assert.deepEqual(answers, [
        [201, 'text/plain', 'made'],
        [200, 'application/json', '{"status":"ok"}'],
        [200, 'application/json', '{"already":"json"}'],
        [200, 'application/json', 'null'],
      ]);
    } finally {
      await returning.close();
    }
  });
});
