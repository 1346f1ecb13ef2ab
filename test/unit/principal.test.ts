import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { parseGroups } from '../../functions/shared/auth/principal';

describe('parseGroups', () => {
  it('reads the flattened array claim the HTTP API JWT authorizer passes', () => {
    assert.deepEqual(parseGroups('[admin sales]'), ['admin', 'sales']);
  });
  it('reads a real array and an empty claim', () => {
    assert.deepEqual(parseGroups(['approver']), ['approver']);
    assert.deepEqual(parseGroups(undefined), []);
    assert.deepEqual(parseGroups('[]'), []);
  });
});
