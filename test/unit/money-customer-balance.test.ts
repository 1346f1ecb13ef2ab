import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  changeOpenBalance,
  closeOrderOnCustomer,
  creditFacts,
} from '../../functions/customers/balance-items';
import { customerKey } from '../../functions/customers/store';

/**
 * The customer's credit exposure as transaction items and as facts for the rules: an order's
 * total joins or leaves the open balance by exactly its amount, a closed order counts towards a
 * returning customer, and a limit in another currency is no limit for the order. The transaction
 * items are checked as written (DynamoDB itself runs them in test/integration/customer-credit-condition.test.ts).
 */
// Transaction items name their table; nothing is sent.
process.env.DOMAIN_TABLE_NAME ??= 'unit-domain';

describe('customer balance items', () => {
  it('adds a signed delta to the open balance of an existing customer', () => {
    assert.deepEqual(changeOpenBalance('t1', 'c1', -2_500).Update, {
      TableName: process.env.DOMAIN_TABLE_NAME,
      Key: customerKey('t1', 'c1'),
      UpdateExpression: 'ADD #open :delta',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#open': 'openBalanceMinor' },
      ExpressionAttributeValues: { ':delta': -2_500 },
    });
  });

  it('closing an order takes its total off the balance and counts one closed order', () => {
    assert.deepEqual(closeOrderOnCustomer('t1', 'c1', 12_345).Update, {
      TableName: process.env.DOMAIN_TABLE_NAME,
      Key: customerKey('t1', 'c1'),
      UpdateExpression: 'ADD #open :minus, #closed :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#open': 'openBalanceMinor', '#closed': 'closedOrders' },
      ExpressionAttributeValues: { ':minus': -12_345, ':one': 1 },
    });
  });

  it('reads the limit only in the order’s currency, the balance, and whether any order closed', () => {
    const item = {
      creditLimit: { amountMinor: 100_000, currency: 'EUR' },
      openBalanceMinor: 40_000,
      closedOrders: 2,
    };
    assert.deepEqual(creditFacts(item, 'EUR'), {
      creditLimitMinor: 100_000,
      openBalanceMinor: 40_000,
      newCustomer: false,
    });
    assert.deepEqual(creditFacts(item, 'GBP'), {
      creditLimitMinor: null,
      openBalanceMinor: 40_000,
      newCustomer: false,
    });
    assert.deepEqual(creditFacts({}, 'EUR'), {
      creditLimitMinor: null,
      openBalanceMinor: 0,
      newCustomer: true,
    });
    assert.deepEqual(creditFacts({ closedOrders: 0, openBalanceMinor: 7 }, 'EUR'), {
      creditLimitMinor: null,
      openBalanceMinor: 7,
      newCustomer: true,
    });
    assert.equal(creditFacts({ closedOrders: 1 }, 'EUR').newCustomer, false);
  });
});
