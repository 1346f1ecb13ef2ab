import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'vitest';
import { createOrder } from '../../functions/orders/operations';
import { adjustStock } from '../../functions/products/operations';
import { successStatus } from '../../functions/shared/http/idempotent-request';
import { recordId, requestHash, retentionSeconds } from '../../functions/shared/idempotency/record';

describe('idempotency records', () => {
  afterEach(() => {
    delete process.env.IDEMPOTENCY_RETENTION_SECONDS;
  });

  it('a key is scoped to tenant, caller and operation, and cannot be forged by separators', () => {
    const base = recordId('acme', 'ann', 'createOrder', 'key-0001');
    assert.equal(recordId('acme', 'ann', 'createOrder', 'key-0001'), base);
    assert.notEqual(recordId('other', 'ann', 'createOrder', 'key-0001'), base);
    assert.notEqual(recordId('acme', 'bob', 'createOrder', 'key-0001'), base);
    assert.notEqual(recordId('acme', 'ann', 'createCustomer', 'key-0001'), base);
    // A user id holding the separator does not collide with another user's key.
    assert.notEqual(
      recordId('acme', 'ann#createOrder', 'x', 'key-0001'),
      recordId('acme', 'ann', 'createOrder#x', 'key-0001'),
    );
    assert.ok(base.startsWith('acme#'));
  });

  it('the request hash ignores key order and absent fields, and sees every value and the path', () => {
    const a = requestHash({ orderId: '1' }, { b: 1, a: [1, { y: 2, x: 1 }], c: undefined });
    assert.equal(a, requestHash({ orderId: '1' }, { a: [1, { x: 1, y: 2 }], b: 1 }));
    assert.notEqual(a, requestHash({ orderId: '2' }, { a: [1, { x: 1, y: 2 }], b: 1 }));
    assert.notEqual(a, requestHash({ orderId: '1' }, { a: [{ x: 1, y: 2 }, 1], b: 1 }));
    assert.notEqual(a, requestHash({ orderId: '1' }, { a: [1, { x: 1, y: 2 }], b: '1' }));
  });

  it('retention is 24 h unless configured with a positive whole number of seconds', () => {
    assert.equal(retentionSeconds(), 86_400);
    process.env.IDEMPOTENCY_RETENTION_SECONDS = '60';
    assert.equal(retentionSeconds(), 60);
    process.env.IDEMPOTENCY_RETENTION_SECONDS = '-5';
    assert.equal(retentionSeconds(), 86_400);
  });

  it('a replay answers with the operation’s own success status', () => {
    assert.equal(successStatus(createOrder), 201);
    assert.equal(successStatus(adjustStock), 200);
  });
});
