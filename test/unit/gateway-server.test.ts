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
