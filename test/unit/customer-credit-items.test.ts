import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { addApprovedOrder } from '../../functions/customers/balance-items';
import { customerKey } from '../../functions/customers/store';

// Transaction items name their table; nothing is sent.
process.env.DOMAIN_TABLE_NAME ??= 'unit-domain';

const total = { amountMinor: 50_000, currency: 'EUR' };
const build = (seen: Parameters<typeof addApprovedOrder>[3]) => {
  const update = addApprovedOrder('t1', 'c1', total, seen).Update;
  assert.ok(update);
  return update;
};

describe('the customer item of an approval: the total joins the open balance under a credit condition', () => {
  it('within a limit: the same limit in the same currency, and room for this order', () => {
    const update = build({ kind: 'within-limit', creditLimitMinor: 200_000 });
    assert.equal(update.UpdateExpression, 'ADD #open :delta');
    assert.equal(
      update.ConditionExpression,
      'attribute_exists(pk) AND #limit.#amount = :limit AND #limit.#cur = :cur AND (attribute_not_exists(#open) OR #open <= :ceiling)',
    );
    assert.deepEqual(update.ExpressionAttributeNames, {
      '#open': 'openBalanceMinor',
      '#limit': 'creditLimit',
      '#amount': 'amountMinor',
      '#cur': 'currency',
    });
    assert.deepEqual(update.ExpressionAttributeValues, {
      ':delta': 50_000,
      ':cur': 'EUR',
      ':limit': 200_000,
      ':ceiling': 150_000,
    });
    assert.deepEqual(update.Key, customerKey('t1', 'c1'));
  });

  it('without a limit: the customer still has none in the order’s currency', () => {
    const update = build({ kind: 'no-limit' });
    assert.equal(
      update.ConditionExpression,
      'attribute_exists(pk) AND (attribute_not_exists(#limit.#cur) OR #limit.#cur <> :cur)',
    );
    assert.deepEqual(update.ExpressionAttributeValues, { ':delta': 50_000, ':cur': 'EUR' });
    // DynamoDB refuses a name the expressions do not use.
    assert.deepEqual(update.ExpressionAttributeNames, {
      '#open': 'openBalanceMinor',
      '#limit': 'creditLimit',
      '#cur': 'currency',
    });
  });

  it('past the limit (an override): the same limit and exactly the balance the override records', () => {
    const update = build({ kind: 'past-limit', creditLimitMinor: 200_000, openBalanceMinor: 150_001 });
    assert.equal(
      update.ConditionExpression,
      'attribute_exists(pk) AND #limit.#amount = :limit AND #limit.#cur = :cur AND #open = :seen',
    );
    assert.equal(update.ExpressionAttributeValues?.[':seen'], 150_001);
    const fromZero = build({ kind: 'past-limit', creditLimitMinor: 10_000, openBalanceMinor: 0 });
    assert.match(String(fromZero.ConditionExpression), /\(attribute_not_exists\(#open\) OR #open = :seen\)$/);
  });
});
