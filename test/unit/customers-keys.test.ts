import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { tagKey, tagKeys } from '../../functions/customers/keys';
import { Customer } from '../../functions/customers/schemas';
import { domainTable } from '../../functions/shared/db/tables';

describe('customer keys', () => {
  it('customersByCountry projects exactly the customer’s own fields', () => {
    // Fewer and a country's page would miss a field; more (the open balance) and every approval
    // would write the index too.
    // `analysis` is not the customer's own: every analysis run rewrites it on every customer, and a
    // country's page shows customers without it (GET /v1/customers/{id} has it).
    const index = domainTable.indexes.find((i) => i.name === 'customersByCountry');
    assert.ok(index && typeof index.projection === 'object');
    const own = Object.keys(Customer.shape).filter((field) => field !== 'analysis');
    assert.deepEqual([...index.projection.include].sort(), own.sort());
  });

  it('a tag is one tag whatever its case and Unicode form', () => {
    assert.equal(tagKey('VIP'), tagKey('vip'));
    assert.equal(tagKey('ＶＩＰ'), 'vip');
    assert.equal(tagKey('Cafe\u0301'), tagKey('Café'));
    assert.deepEqual(tagKeys(['VIP', 'vip', 'Retail']), ['vip', 'retail']);
    assert.deepEqual(tagKeys(undefined), []);
  });
});
