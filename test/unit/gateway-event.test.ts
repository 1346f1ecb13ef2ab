import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { buildHttpApiEvent, type IncomingRequest } from '../../local/gateway/event';

/** The twin's gateway builds the event an HTTP API (payload format 2.0) gives a Lambda. */
const request = (over: Partial<IncomingRequest> = {}): IncomingRequest => ({
  method: 'GET',
  path: '/v1/orders',
  rawQueryString: '',
  headers: {},
  body: Buffer.alloc(0),
  ...over,
});
const route = { routeKey: 'GET /v1/orders' };

describe('the HTTP API event of a request', () => {
  it('names the domain the request was sent to, and its first label', () => {
    const named = buildHttpApiEvent(request({ headers: { host: 'api.orderly.example' } }), route);
    assert.deepEqual(
      [named.requestContext.domainName, named.requestContext.domainPrefix],
      ['api.orderly.example', 'api'],
    );
    const local = buildHttpApiEvent(request({ headers: { host: 'localhost:3000' } }), route);
    assert.deepEqual(
      [local.requestContext.domainName, local.requestContext.domainPrefix],
      ['localhost:3000', 'localhost:3000'],
    );
    // HTTP/1.0 may send no Host at all.
    const none = buildHttpApiEvent(request(), route);
    assert.deepEqual(
      [none.requestContext.domainName, none.requestContext.domainPrefix],
      ['localhost', 'localhost'],
    );
  });

  it('joins a repeated query parameter with commas and moves cookies out of the headers', () => {
    const event = buildHttpApiEvent(
      request({
        rawQueryString: 'status=NEW&status=QUALIFIED&limit=5',
        headers: { cookie: 'a=1; b=2', host: 'x' },
      }),
      route,
    );
    assert.deepEqual(event.queryStringParameters, { status: 'NEW,QUALIFIED', limit: '5' });
    assert.deepEqual(event.cookies, ['a=1', 'b=2']);
    assert.deepEqual(event.headers, { host: 'x' });
  });

  it('passes text bodies as text and any other body in base64', () => {
    const json = buildHttpApiEvent(
      request({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from('{"a":1}'),
      }),
      route,
    );
    assert.deepEqual([json.body, json.isBase64Encoded], ['{"a":1}', false]);
    const bytes = buildHttpApiEvent(
      request({
        method: 'POST',
        headers: { 'content-type': 'application/pdf' },
        body: Buffer.from([0, 255]),
      }),
      route,
    );
    assert.deepEqual([bytes.body, bytes.isBase64Encoded], ['AP8=', true]);
  });
});
