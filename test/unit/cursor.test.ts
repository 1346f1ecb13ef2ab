import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../functions/shared/db/cursor';
import { ValidationError } from '../../functions/shared/http/errors';

const partition = { attribute: 'collectionPk', value: 'T#acme#CUSTOMERS' };
const key = { pk: 'T#acme#CUSTOMER#1', sk: 'CUSTOMER', collectionPk: 'T#acme#CUSTOMERS', collectionSk: '1' };

describe('pagination cursors', () => {
  it('round-trip within the list and tenant they came from', () => {
    assert.deepEqual(decodeCursor(encodeCursor('CUSTOMERS', key), 'CUSTOMERS', partition), key);
    assert.equal(encodeCursor('CUSTOMERS', undefined), undefined);
    assert.equal(decodeCursor(undefined, 'CUSTOMERS', partition), undefined);
  });

  it('are refused for another tenant, another list, or garbage', () => {
    const cursor = encodeCursor('CUSTOMERS', key) as string;
    assert.throws(
      () => decodeCursor(cursor, 'CUSTOMERS', { ...partition, value: 'T#other#CUSTOMERS' }),
      ValidationError,
    );
    assert.throws(() => decodeCursor(cursor, 'PRODUCTS', partition), ValidationError);
    assert.throws(() => decodeCursor('%%%', 'CUSTOMERS', partition), ValidationError);
    assert.throws(
      () => decodeCursor(Buffer.from('[1,2]').toString('base64url'), 'CUSTOMERS', partition),
      ValidationError,
    );
    const nonString = Buffer.from(JSON.stringify({ l: 'CUSTOMERS', k: { ...key, sk: { S: 'x' } } })).toString(
      'base64url',
    );
    assert.throws(() => decodeCursor(nonString, 'CUSTOMERS', partition), ValidationError);
  });
});
