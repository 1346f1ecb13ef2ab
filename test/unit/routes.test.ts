import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { httpFunctions } from '../../functions/manifest';
import { MalformedPathError, RouteNotFoundError } from '../../local/gateway/problems';
import { compileRoutes } from '../../local/gateway/routes';

const router = compileRoutes(httpFunctions);

describe('local route matching', () => {
  it('matches parameters and prefers literal segments', () => {
    const match = router.match('GET', '/v1/customers/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    assert.equal(match?.routeKey, 'GET /v1/customers/{customerId}');
    assert.deepEqual(match?.pathParameters, { customerId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    assert.equal(router.match('GET', '/v1/customers')?.routeKey, 'GET /v1/customers');
    assert.equal(
      router.match('POST', '/v1/products/P1/stock-adjustments')?.routeKey,
      'POST /v1/products/{productId}/stock-adjustments',
    );
  });

  it('gives greedy parameters the rest of the path, and matches no other method', () => {
    assert.deepEqual(router.match('GET', '/docs/swagger-ui.css')?.pathParameters, { file: 'swagger-ui.css' });
    assert.equal(router.match('GET', '/docs')?.routeKey, 'GET /docs');
    assert.equal(router.match('DELETE', '/v1/customers'), undefined);
    assert.equal(router.match('GET', '/v1/customers/a/b'), undefined);
  });

  it('decodes parameters, and refuses a malformed percent-encoding with a 400', () => {
    assert.deepEqual(router.match('GET', '/docs/a%20b.css')?.pathParameters, { file: 'a b.css' });
    assert.throws(
      () => router.match('GET', '/v1/orders/%E0%A4%A'),
      (error: unknown) => {
        assert.ok(error instanceof MalformedPathError);
        assert.deepEqual(
          [error.statusCode, error.type, error.title, error.extensions],
          [
            400,
            'malformed-path',
            'The path is not valid',
            { errors: [{ field: 'path.orderId', message: 'malformed percent-encoding' }] },
          ],
        );
        assert.match(error.detail, /%E0%A4%A.* malformed percent-encoding/);
        return true;
      },
    );
  });

  it('names the methods a path answers, for the 404 of a wrong method', () => {
    assert.deepEqual(router.methodsOn('/v1/customers'), ['GET', 'POST']);
    assert.deepEqual(router.methodsOn('/v1/customers/01ARZ3NDEKTSV4RRFFQ69G5FAV'), ['GET', 'PATCH']);
    assert.deepEqual(router.methodsOn('/v1/nothing-here'), []);
  });

  it('has no two manifest entries on one route', () => {
    const keys = httpFunctions.map((fn) => `${fn.operation.method} ${fn.operation.path}`);
    assert.equal(new Set(keys).size, keys.length);
    const ids = httpFunctions.map((fn) => fn.operation.operationId);
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('the gateway’s 404 for a route it does not have', () => {
  it('says the method and path it matched nothing for, and which methods the path answers', () => {
    const wrongMethod = new RouteNotFoundError('DELETE', '/v1/customers', ['GET', 'POST']);
    assert.equal(wrongMethod.statusCode, 404);
    assert.equal(wrongMethod.type, 'route-not-found');
    assert.equal(wrongMethod.title, 'No such route');
    assert.equal(wrongMethod.detail, 'No route matches DELETE /v1/customers; this path answers GET, POST.');
    assert.equal(
      new RouteNotFoundError('GET', '/v1/nothing-here', []).detail,
      'No route matches GET /v1/nothing-here.',
    );
  });

  it('quotes at most 20 characters of the method and 200 of the path', () => {
    const method = 'M'.repeat(25);
    const path = `/${'p'.repeat(250)}`;
    assert.equal(
      new RouteNotFoundError(method, path, []).detail,
      `No route matches ${'M'.repeat(20)}… /${'p'.repeat(199)}….`,
    );
  });
});
