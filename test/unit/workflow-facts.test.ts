import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { defaultRuleSet } from '../../functions/approvals/defaults';
import { decide } from '../../functions/approvals/engine';
import { orderFacts } from '../../functions/workflow/facts';
import { anOrder, line } from '../support/workflow-fixtures';

describe('approval facts of an order', () => {
  it('reads totals, the deepest line discount and the categories (once each, sorted), and who created the order when', () => {
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
      maxBelowListBps: 1_600,
      termsChanges: [],
      createdAt: '2026-03-01T10:00:00.000Z',
      createdBy: 'sam',
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

  it('measures how far a line lies below its list price, a cut and a discount together', () => {
    const order = anOrder({
      lines: [
        line({ unitPriceMinor: 2_500, listPriceMinor: 2_500, discountBps: 1_000 }),
        line({ lineNo: 2, sku: 'B', unitPriceMinor: 1_250, listPriceMinor: 2_500 }),
        line({ lineNo: 3, sku: 'C', unitPriceMinor: 3_000, listPriceMinor: 2_500, discountBps: 500 }),
      ],
    });
    assert.equal(orderFacts(order, {}).maxBelowListBps, 5_000, 'the line cut from 25.00 to 12.50');
    const cutAndDiscounted = anOrder({
      lines: [line({ unitPriceMinor: 9_000, listPriceMinor: 10_000, discountBps: 1_000 })],
    });
    assert.equal(orderFacts(cutAndDiscounted, {}).maxBelowListBps, 1_900);
    assert.equal(
      orderFacts(anOrder({ lines: [line({ discountBps: 700 })] }), {}).maxBelowListBps,
      700,
      'a line stored before list prices were: its unit price is its list price',
    );
  });

  it('lists the terms changes the order saw: its customer’s credit limit, its lines’ products', () => {
    const order = anOrder({
      lines: [
        line({ termsChangedAt: '2026-02-28T18:00:00.000Z', termsChangedBy: 'ann' }),
        line({ lineNo: 2, sku: 'B' }),
      ],
    });
    const customer = {
      creditLimit: { amountMinor: 50_000, currency: 'EUR' },
      creditLimitChangedAt: '2026-03-01T10:05:00.000Z',
      creditLimitChangedBy: 'sam',
    };
    assert.deepEqual(orderFacts(order, customer).termsChanges, [
      { subject: 'customer', ref: order.customerId, at: '2026-03-01T10:05:00.000Z', by: 'sam' },
      { subject: 'product', ref: 'WIDGET', at: '2026-02-28T18:00:00.000Z', by: 'ann' },
    ]);
  });

  it('leaves out credit limit changes older than the longest window a rule may ask (30 days)', () => {
    const customer = (at: string) => ({ creditLimitChangedAt: at, creditLimitChangedBy: 'sam' });
    assert.equal(orderFacts(anOrder(), customer('2026-01-30T10:00:00.000Z')).termsChanges.length, 1);
    assert.deepEqual(orderFacts(anOrder(), customer('2026-01-30T09:59:59.999Z')).termsChanges, []);
    assert.deepEqual(
      orderFacts(anOrder(), { creditLimitChangedAt: 'yesterday', creditLimitChangedBy: 'sam' }).termsChanges,
      [],
      'an unreadable time is no change',
    );
  });

  it('feeds the rules: the default set asks an approver when the creator changed the credit limit just before', () => {
    const customer = {
      creditLimit: { amountMinor: 1_000_000, currency: 'EUR' },
      creditLimitChangedAt: '2026-03-01T09:59:00.000Z',
      creditLimitChangedBy: 'sam',
    };
    const decision = decide(defaultRuleSet(), orderFacts(anOrder(), customer));
    assert.equal(decision.ruleId, 'own-terms-change');
    assert.deepEqual(
      decision.observed.termsChanges?.map((c) => [c.subject, c.by]),
      [['customer', 'sam']],
    );
    const byAnother = { ...customer, creditLimitChangedBy: 'ann' };
    assert.equal(decide(defaultRuleSet(), orderFacts(anOrder(), byAnother)).outcome, 'auto-approve');
  });
});
