import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, describe, it } from 'vitest';
import { recordId, requestHash, retentionSeconds } from '../../functions/shared/idempotency/record';

/**
 * What makes two requests "the same" for an idempotency key, at the edges: absent path parameters
 * and body equal empty ones; an `undefined` array element is `null` (as JSON writes it), never
 * dropped, so `[undefined]` and `[]` are two requests; strings, numbers and nested keys are told
 * apart exactly. The expected hashes are SHA-256 of canonical JSON written out here by hand. Also
 * the retention's edges (0, fractions and text fall back to 24 h) and the record id's exact form.
 */
const sha = (text: string) => createHash('sha256').update(text).digest('base64url');

afterEach(() => {
  delete process.env.IDEMPOTENCY_RETENTION_SECONDS;
});

describe('requestHash', () => {
  it('hashes the canonical JSON of [params, body], keys sorted at every depth', () => {
    assert.equal(
      requestHash({ b: '2', a: '1' }, { z: [1, { y: true, x: null }], a: 'A' }),
      sha('[{"a":"1","b":"2"},{"a":"A","z":[1,{"x":null,"y":true}]}]'),
    );
  });

  it('takes absent params as {} and an absent body as null', () => {
    assert.equal(requestHash(undefined, undefined), sha('[{},null]'));
    assert.equal(requestHash(null, { a: 1 }), requestHash({}, { a: 1 }));
  });

  it('writes an undefined array element as null, and drops undefined object members', () => {
    assert.equal(requestHash({}, [undefined]), sha('[{},[null]]'));
    assert.notEqual(requestHash({}, [undefined]), requestHash({}, []));
    assert.equal(requestHash({}, { a: undefined, b: 1 }), sha('[{},{"b":1}]'));
  });

  it('escapes keys as JSON does: a key holding a quote cannot pose as two members', () => {
    assert.equal(requestHash({}, { 'a":1,"b': 2 }), sha('[{},{"a\\":1,\\"b":2}]'));
    assert.notEqual(requestHash({}, { 'a":1,"b': 2 }), requestHash({}, { a: 1, b: 2 }));
  });

  it('sorts keys by code unit, capitals first', () => {
    assert.equal(requestHash({}, { b: 1, B: 2, a: 3 }), sha('[{},{"B":2,"a":3,"b":1}]'));
  });
});

describe('recordId', () => {
  it('is the tenant, #, then SHA-256 of [user, operation, key] as JSON', () => {
    assert.equal(recordId('acme', 'ann', 'createOrder', 'k1'), `acme#${sha('["ann","createOrder","k1"]')}`);
  });
});

describe('retentionSeconds', () => {
  it('takes a positive whole number of seconds, and 24 h for 0, a fraction, text or nothing', () => {
    process.env.IDEMPOTENCY_RETENTION_SECONDS = '1';
    assert.equal(retentionSeconds(), 1);
    for (const value of ['0', '1.5', 'ten', '', ' ']) {
      process.env.IDEMPOTENCY_RETENTION_SECONDS = value;
      assert.equal(retentionSeconds(), 86_400, JSON.stringify(value));
    }
  });
});
