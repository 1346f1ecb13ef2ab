import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { ForgetfulMap } from '../../functions/shared/forgetful-map';

describe('ForgetfulMap', () => {
  it('keeps up to max entries, then empties itself for the next new key', () => {
    const memo = new ForgetfulMap<string, number>(3);
    for (const [i, key] of ['a', 'b', 'c'].entries()) memo.set(key, i);
    assert.equal(memo.size, 3);
    assert.deepEqual([memo.get('a'), memo.get('b'), memo.get('c')], [0, 1, 2]);
    memo.set('d', 3);
    assert.equal(memo.size, 1, 'full: the new key empties it first');
    assert.deepEqual([memo.has('a'), memo.has('c'), memo.get('d')], [false, false, 3]);
  });

  it('replaces the value of a key it holds without forgetting the others, even when full', () => {
    const memo = new ForgetfulMap<string, number>(2);
    memo.set('a', 1);
    memo.set('b', 2);
    memo.set('a', 10);
    assert.equal(memo.size, 2);
    assert.deepEqual([memo.get('a'), memo.get('b')], [10, 2]);
  });

  it('forgets one key or all of them when asked', () => {
    const memo = new ForgetfulMap<number, string>(5);
    memo.set(1, 'one');
    memo.set(2, 'two');
    memo.delete(1);
    assert.deepEqual([memo.has(1), memo.get(1), memo.get(2)], [false, undefined, 'two']);
    memo.clear();
    assert.equal(memo.size, 0);
  });

  it('refuses a bound that is not a positive integer', () => {
    for (const max of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      assert.throws(() => new ForgetfulMap(max), {
        name: 'RangeError',
        message: 'max must be a positive integer',
      });
    assert.equal(new ForgetfulMap(1).max, 1);
  });
});
