import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { defaultRuleSet } from '../../functions/approvals/defaults';
import { decide } from '../../functions/approvals/engine';
import { orderFacts } from '../../functions/workflow/facts';
import { anOrder, line } from '../support/workflow-fixtures';

describe('approval facts of an order', () => {
  it('reads totals, the deepest line discount and the categories (once each, sorted)', () => {
    const order = anOrder({
      lines: [
        line({ category: 'tools', discountBps: 500 }),
        line({ lineNo: 2, sku: 'B', category: 'parts', discountBps: 1_600 }),
        line({ lineNo: 3, sku: 'C', category: 'tools' }),
      ],
      totals: { subtotalMinor: 100_000, discountMinor: 10_000, totalMinor: 90_000 },
    });
    assert.deepEqual(orderFacts(order, {}), {
      currency: 'EUR',
      totalMinor: 90_000,
      maxLineDiscountBps: 1_600,
      creditLimitMinor: null,
      openBalanceMinor: 0,
      newCustomer: true,
      categories: ['parts', 'tools'],
    });
  });

  it('takes credit from the customer item: a limit in another currency is no limit', () => {
    const customer = {
      creditLimit: { amountMinor: 50_000, currency: 'EUR' },
      openBalanceMinor: 12_000,
      closedOrders: 3,
    };
    const facts = orderFacts(anOrder(), customer);
    assert.deepEqual(
      [facts.creditLimitMinor, facts.openBalanceMinor, facts.newCustomer, facts.maxLineDiscountBps],
      [50_000, 12_000, false, 0],
    );
    assert.equal(orderFacts(anOrder({ currency: 'GBP' }), customer).creditLimitMinor, null);
  });

  it('feeds the rules: the default set rejects what would pass the credit limit', () => {
    const customer = { creditLimit: { amountMinor: 10_000, currency: 'EUR' }, openBalanceMinor: 6_000 };
    const decision = decide(defaultRuleSet(), orderFacts(anOrder(), customer));
    assert.equal(decision.outcome, 'auto-reject');
    assert.equal(decision.ruleId, 'over-credit-limit');
    assert.equal(decision.observed.exceedsCreditLimit, true);
  });
});
