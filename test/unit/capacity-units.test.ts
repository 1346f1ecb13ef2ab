import assert from 'node:assert/strict';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, it } from 'vitest';
import {
  type Item,
  itemSize,
  numberSize,
  readUnits,
  type TableShape,
  valueSize,
  writeUnits,
} from '../../local/capacity/units';

/** An item of exactly `bytes` bytes: pk (2 + 5), sk (2 + 1), and a padding string `d` (1 + rest). */
const itemOf = (bytes: number, extra: Item = {}): Item => {
  const base: Item = { pk: { S: 'T#a#1' }, sk: { S: 'X' }, ...extra };
  const rest = bytes - itemSize(base) - 1;
  return { ...base, d: { S: 'x'.repeat(rest) } };
};
const plain: TableShape = { partitionKey: 'pk', sortKey: 'sk', indexes: [] };
const withIndex: TableShape = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [{ name: 'byStatus', partitionKey: 'gpk', sortKey: 'gsk', projection: 'ALL' }],
};

describe('capacity units by AWS’s billing rules', () => {
  it('sizes attributes as AWS documents them', () => {
    assert.equal(valueSize({ S: 'héllo' }), 6);
    assert.equal(numberSize('1234'), 3);
    assert.equal(numberSize('-0.00012300'), 3, 'zeros around the significant digits are free');
    assert.equal(numberSize('0'), 2);
    assert.equal(valueSize({ BOOL: true }), 1);
    assert.equal(valueSize({ NULL: true }), 1);
    assert.equal(valueSize({ L: [] }), 3);
    assert.equal(valueSize({ L: [{ S: 'ab' }, { N: '7' }] }), 3 + (2 + 1) + (2 + 1));
    assert.equal(valueSize({ M: { a: { S: 'xyz' } } }), 3 + (1 + 3 + 1));
    assert.equal(valueSize({ SS: ['a', 'bc'] } as AttributeValue), 3);
    assert.equal(itemSize({ pk: { S: 'T#a#1' }, n: { N: '42' } }), 2 + 5 + 1 + 2);
    assert.equal(itemSize(itemOf(900)), 900);
  });

  it('a 900 B Put costs 1 unit', () => {
    assert.deepEqual(writeUnits(plain, undefined, itemOf(900)), { table: 1, indexes: {}, total: 1 });
  });

  it('a 1.5 KB Put into a table with one ALL-projected index costs 2 + 2', () => {
    const item = itemOf(1536, { gpk: { S: 'T#a#ORDERS#NEW' }, gsk: { S: '01J' } });
    assert.deepEqual(writeUnits(withIndex, undefined, item), {
      table: 2,
      indexes: { byStatus: 2 },
      total: 4,
    });
  });

  it('five 300 B Puts in one transaction cost 10 units', () => {
    const total = Array.from({ length: 5 }, () =>
      writeUnits(plain, undefined, itemOf(300), { transactional: true }),
    ).reduce((sum, units) => sum + units.total, 0);
    assert.equal(total, 10);
  });

  it('an update costs the larger of before and after; an index key change is a delete plus a put there', () => {
    const before = itemOf(1000, { gpk: { S: 'T#a#ORDERS#NEW' }, gsk: { S: '01J' } });
    const after = itemOf(2100, { gpk: { S: 'T#a#ORDERS#APPROVED' }, gsk: { S: '01J' } });
    assert.deepEqual(writeUnits(withIndex, before, after), {
      table: 3,
      indexes: { byStatus: 1 + 3 },
      total: 7,
    });
  });

  it('an index the item neither enters nor leaves costs nothing; a KEYS_ONLY index ignores other attributes', () => {
    const keysOnly: TableShape = {
      ...withIndex,
      indexes: [{ name: 'byStatus', partitionKey: 'gpk', sortKey: 'gsk', projection: 'KEYS_ONLY' }],
    };
    const before = itemOf(500, { gpk: { S: 'P' }, gsk: { S: 'S' } });
    const after = itemOf(600, { gpk: { S: 'P' }, gsk: { S: 'S' } });
    assert.deepEqual(writeUnits(keysOnly, before, after), { table: 1, indexes: {}, total: 1 });
    assert.deepEqual(writeUnits(withIndex, itemOf(500), itemOf(600)), { table: 1, indexes: {}, total: 1 });
    assert.deepEqual(writeUnits(withIndex, before, undefined), {
      table: 1,
      indexes: { byStatus: 1 },
      total: 2,
    });
  });

  it('reads round up to 4 KB, half when eventually consistent, double in a transaction', () => {
    assert.equal(readUnits(0, 'strong'), 1, 'an item not found still costs a unit');
    assert.equal(readUnits(4096, 'strong'), 1);
    assert.equal(readUnits(4097, 'strong'), 2);
    assert.equal(readUnits(4097, 'eventual'), 1);
    assert.equal(readUnits(100, 'eventual'), 0.5);
    assert.equal(readUnits(5000, 'transactional'), 4);
  });
});
