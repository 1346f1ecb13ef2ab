import assert from 'node:assert/strict';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, it } from 'vitest';
import * as z from 'zod';
import type { HttpError } from '../../functions/shared/http/errors';
import { defineOperation } from '../../functions/shared/http/operation';
import { problemFromError } from '../../functions/shared/http/problem';
import { parseRequest } from '../../functions/shared/http/request';

const op = defineOperation({
  operationId: 'test',
  method: 'PATCH',
  path: '/v1/things/{id}',
  summary: 'test',
  tag: 'test',
  auth: { roles: ['admin'] },
  params: z.strictObject({ id: z.string() }),
  body: z.strictObject({ name: z.string() }),
  requiresIfMatch: true,
  maxBodyBytes: 100,
  responses: {},
});

const event = (headers: Record<string, string>, body?: string) =>
  ({
    headers,
    body,
    pathParameters: { id: '1' },
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

const statusOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as HttpError).statusCode;
  }
  return 200;
};

/** The problem document (a 4xx) that the error `fn` throws becomes, as a handler answers it. */
const problemOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    const { problem } = problemFromError(error, 'req-1');
    assert.ok(problem.status >= 400 && problem.status < 500, String(error));
    return problem;
  }
  assert.fail('expected a problem');
};

describe('parseRequest', () => {
  const json = { 'content-type': 'application/json', 'if-match': '"3"' };

  it('reads If-Match as a version in its usual spellings', () => {
    for (const ifMatch of ['"3"', 'W/"3"', '3', ' "3" ']) {
      assert.equal(parseRequest(op, event({ ...json, 'if-match': ifMatch }, '{"name":"x"}')).ifMatch, 3);
    }
    assert.equal(
      statusOf(() => parseRequest(op, event({ ...json, 'if-match': '*' }, '{"name":"x"}'))),
      400,
    );
    assert.equal(
      statusOf(() => parseRequest(op, event({ 'content-type': 'application/json' }, '{"name":"x"}'))),
      428,
    );
  });

  it('accepts JSON media types with parameters and +json suffixes, refuses others', () => {
    assert.equal(
      statusOf(() =>
        parseRequest(
          op,
          event({ ...json, 'content-type': 'application/json; charset=utf-8' }, '{"name":"x"}'),
        ),
      ),
      200,
    );
    assert.equal(
      statusOf(() =>
        parseRequest(op, event({ ...json, 'content-type': 'application/merge-patch+json' }, '{"name":"x"}')),
      ),
      200,
    );
    assert.equal(
      statusOf(() => parseRequest(op, event({ ...json, 'content-type': 'text/plain' }, '{"name":"x"}'))),
      415,
    );
    assert.equal(
      statusOf(() =>
        parseRequest(op, event({ ...json, 'content-type': 'application/jsonp' }, '{"name":"x"}')),
      ),
      415,
    );
  });

  it('says which content-type it refused, or that none was sent', () => {
    const detailOf = (headers: Record<string, string>) => {
      try {
        parseRequest(op, event(headers, '{"name":"x"}'));
      } catch (error) {
        return (error as HttpError).detail;
      }
      assert.fail('expected a 415');
    };
    assert.equal(
      detailOf({ ...json, 'content-type': 'text/plain' }),
      "Send the body as application/json (received 'text/plain').",
    );
    assert.equal(
      detailOf({ 'if-match': '"3"' }),
      'Send the body as application/json (received no content-type).',
    );
  });

  it('measures the body limit in bytes, not characters', () => {
    assert.equal(
      statusOf(() => parseRequest(op, event(json, JSON.stringify({ name: 'é'.repeat(45) })))),
      413,
    );
    assert.equal(
      statusOf(() => parseRequest(op, event(json, JSON.stringify({ name: 'e'.repeat(45) })))),
      200,
    );
  });

  it('refuses an empty body where one is required', () => {
    assert.equal(
      statusOf(() => parseRequest(op, event(json, ''))),
      400,
    );
  });

  it('answers a body that is not JSON with the malformed-json problem, naming the body', () => {
    assert.deepEqual(
      problemOf(() => parseRequest(op, event(json, '{"name": "Ada",'))),
      {
        type: 'urn:orderly:problem:malformed-json',
        title: 'The body is not valid JSON',
        status: 400,
        detail: 'The request body could not be parsed as JSON.',
        errors: [{ field: 'body', message: 'not valid JSON' }],
        requestId: 'req-1',
      },
    );
  });
});

describe('problems quote at most ~200 characters of input', () => {
  const bodyOf = (fn: () => unknown) => JSON.stringify(problemOf(fn));
  const json = { 'content-type': 'application/json', 'if-match': '"3"' };
  const huge = 'k'.repeat(10_000);
  const roomy = defineOperation({ ...op, maxBodyBytes: 64 * 1024 });

  it('cuts an unknown field name', () => {
    const body = bodyOf(() => parseRequest(roomy, event(json, JSON.stringify({ name: 'x', [huge]: 1 }))));
    assert.ok(body.length < 1024, `${body.length} bytes`);
    assert.match(body, /body\.k{190,200}…/);
  });

  it('cuts a content-type', () => {
    const body = bodyOf(() => parseRequest(roomy, event({ ...json, 'content-type': `text/${huge}` }, '{}')));
    assert.ok(body.length < 1024, `${body.length} bytes`);
  });

  it('does not echo a long value', () => {
    const body = bodyOf(() =>
      parseRequest(roomy, event({ ...json, 'if-match': huge }, JSON.stringify({ name: 'x' }))),
    );
    assert.ok(body.length < 1024, `${body.length} bytes`);
  });

  it('lists at most 100 issues, and counts them all', () => {
    const keys = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, 0]));
    const body = JSON.parse(
      bodyOf(() => parseRequest(roomy, event(json, JSON.stringify({ name: 'x', ...keys })))),
    );
    assert.equal(body.errors.length, 100);
    assert.match(body.detail, /\(and 2999 more\); the first 100 are listed/);
  });
});

describe('problemFromError', () => {
  it('never shows the internals of an unexpected error', () => {
    const { problem } = problemFromError(
      new Error('ResourceNotFoundException: table orderly-domain at 10.0.0.1'),
      'req-1',
    );
    assert.equal(problem.status, 500);
    assert.equal(problem.type, 'urn:orderly:problem:internal-error');
    assert.doesNotMatch(JSON.stringify(problem), /orderly-domain|10\.0\.0\.1|ResourceNotFound/);
    assert.equal(problem.requestId, 'req-1');
  });
});
