import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { defaultRuleSet } from '../../functions/approvals/defaults';
import { type Decision, defineRule, type Facts, type RuleSet } from '../../functions/approvals/rules';
import { SimulationReport } from '../../functions/approvals/schemas';
import { type RecentDecision, simulate } from '../../functions/approvals/simulate';

/**
 * Simulating candidate approval rules over recent orders: which stored decisions a candidate
 * would change, compared by effect (outcome, reason, levels), on the facts stored with each order.
 */

const facts = (over: Partial<Facts> = {}): Facts => ({
  currency: 'EUR',
  totalMinor: 10_000,
  maxLineDiscountBps: 0,
  creditLimitMinor: null,
  openBalanceMinor: 0,
  newCustomer: false,
  categories: [],
  maxBelowListBps: 0,
  termsChanges: [],
  ...over,
});

/*
 * The decisions stored with each order are written out here by hand, as the default rules
 * (functions/approvals/defaults.ts) decide them, not computed by the engine the simulation re-runs:
 * a bug in `decide` would otherwise sit on both sides of every comparison and show no change.
 */
const DAY = 86_400;
/** Under 1,000.00 and nothing else: the catch-all auto-approves, having looked at nothing. */
const autoApproved: Decision = {
  outcome: 'auto-approve',
  ruleId: 'default',
  ruleName: 'Everything else',
  observed: {},
};
/** From 1,000.00: one approver level, escalating to admin. */
const mediumOrder = (totalMinor: number): Decision => ({
  outcome: 'require-approval',
  ruleId: 'medium-order',
  ruleName: 'Medium order: from 1,000.00',
  levels: [{ role: 'approver', slaSeconds: DAY, escalateTo: 'admin' }],
  observed: { currency: 'EUR', totalMinor },
});
/** From 10,000.00: approver, then admin, each for a day. */
const largeOrder = (totalMinor: number): Decision => ({
  outcome: 'require-approval',
  ruleId: 'large-order',
  ruleName: 'Large order: from 10,000.00',
  levels: [
    { role: 'approver', slaSeconds: DAY, escalateTo: 'admin' },
    { role: 'admin', slaSeconds: DAY, escalateTo: 'admin' },
  ],
  observed: { currency: 'EUR', totalMinor },
});
/** Open balance plus the order above the limit: the first default rule rejects it. */
const overLimit = (creditLimitMinor: number, totalMinor: number): Decision => ({
  outcome: 'auto-reject',
  ruleId: 'over-credit-limit',
  ruleName: 'Over the credit limit',
  reason: 'The order would take the customer’s open balance above their credit limit.',
  observed: { creditLimitMinor, openBalanceMinor: 0, totalMinor, currency: 'EUR', exceedsCreditLimit: true },
});

let seq = 0;
/** An order and the decision stored with it, as the orders store returns them. */
const decided = (f: Facts, decision: Decision): RecentDecision => {
  seq++;
  return {
    orderId: `01JZ0000000000000000000${String(seq).padStart(3, '0')}`,
    orderNumber: `SO-2026-${String(seq).padStart(6, '0')}`,
    createdAt: `2026-03-01T10:00:${String(seq % 60).padStart(2, '0')}.000Z`,
    decision,
    facts: f,
  };
};

describe('approval rule simulation', () => {
  it('reports no change when the candidate is the rule set that decided', () => {
    const recent = [
      decided(facts({ totalMinor: 50 }), autoApproved),
      decided(facts({ totalMinor: 200_000 }), mediumOrder(200_000)),
    ];
    const report = simulate(defaultRuleSet(), recent);
    assert.deepEqual(report, { evaluated: 2, changed: 0, unchanged: 2, skipped: 0, changes: [] });
  });

  it('lists the decisions a lower threshold changes, newest first, with both sides', () => {
    const recent = [
      decided(facts({ totalMinor: 60_000 }), autoApproved), // 600.00: auto-approve today, one level with the candidate
      decided(facts({ totalMinor: 40_000 }), autoApproved), // 400.00: auto-approve either way
      decided(facts({ totalMinor: 150_000 }), mediumOrder(150_000)), // 1,500.00: one level either way
      decided(facts({ totalMinor: 70_000 }), autoApproved), // 700.00: changes
    ];
    const candidate = defaultRuleSet();
    const medium = candidate.rules.find((r) => r.id === 'medium-order');
    assert.ok(medium);
    medium.when = { orderTotalAtLeast: '500.00' };
    const report = simulate(candidate, recent);
    assert.ok(SimulationReport.safeParse(report).success);
    assert.equal(report.evaluated, 4);
    assert.equal(report.changed, 2);
    assert.equal(report.unchanged, 2);
    assert.deepEqual(
      report.changes.map((c) => c.orderNumber),
      [recent[0]?.orderNumber, recent[3]?.orderNumber],
    );
    assert.deepEqual(report.changes[0], {
      orderId: recent[0]?.orderId,
      orderNumber: recent[0]?.orderNumber,
      createdAt: recent[0]?.createdAt,
      current: { ruleId: 'default', outcome: 'auto-approve', levels: [] },
      candidate: {
        ruleId: 'medium-order',
        outcome: 'require-approval',
        levels: [{ role: 'approver', slaSeconds: 86_400, escalateTo: 'admin' }],
      },
    });
  });

  it('counts a change of levels, SLA or reject reason, but not a renamed rule with the same effect', () => {
    const big = decided(facts({ totalMinor: 2_000_000 }), largeOrder(2_000_000));
    const rejected = decided(facts({ creditLimitMinor: 100, totalMinor: 101 }), overLimit(100, 101));
    const renamed = defaultRuleSet();
    for (const rule of renamed.rules) rule.id = `new-${rule.id}`;
    assert.equal(simulate(renamed, [big, rejected]).changed, 0);

    const slower = defaultRuleSet();
    const large = slower.rules.find((rule) => rule.id === 'large-order');
    assert.ok(large?.then.type === 'require-approval');
    large.then.levels[1] = { role: 'admin', slaSeconds: 7_200 };
    assert.equal(simulate(slower, [big, rejected]).changed, 1);

    const reworded = defaultRuleSet();
    reworded.rules[0] = defineRule(
      'over-credit-limit',
      'Over the limit',
      { exceedsCreditLimit: true },
      {
        type: 'auto-reject',
        reason: 'Credit stop',
      },
    );
    const report = simulate(reworded, [big, rejected]);
    assert.equal(report.changed, 1);
    assert.equal(report.changes[0]?.candidate.reason, 'Credit stop');
    assert.match(report.changes[0]?.current.reason ?? '', /credit limit/);
  });

  it('counts a change of the named approver, and shows it on both sides', () => {
    const named = (approverUserId: string): RuleSet => ({
      rules: [
        defineRule(
          'named',
          'Named approver',
          {},
          { type: 'require-approval', levels: [{ role: 'approver', approverUserId, slaSeconds: DAY }] },
        ),
      ],
    });
    const level = (approverUserId: string) => ({
      role: 'approver' as const,
      approverUserId,
      slaSeconds: DAY,
      escalateTo: 'admin' as const,
    });
    const order = decided(facts(), {
      outcome: 'require-approval',
      ruleId: 'named',
      ruleName: 'Named approver',
      levels: [level('u-ann')],
      observed: {},
    });
    assert.equal(simulate(named('u-ann'), [order]).changed, 0);
    const report = simulate(named('u-bob'), [order]);
    assert.equal(report.changed, 1);
    assert.deepEqual(
      [report.changes[0]?.current.levels, report.changes[0]?.candidate.levels],
      [[level('u-ann')], [level('u-bob')]],
    );
  });

  it('re-decides on the stored facts only: every condition sees what the order had then', () => {
    const newcomer = decided(
      facts({ newCustomer: true, categories: ['chemicals'], totalMinor: 10 }),
      autoApproved,
    );
    const candidate: RuleSet = {
      rules: [
        defineRule(
          'new-chemicals',
          'New customers buying chemicals',
          { newCustomer: true, categoriesAny: ['chemicals'] },
          { type: 'auto-reject', reason: 'Check the licence first' },
        ),
        defineRule('rest', 'Rest', {}, { type: 'auto-approve' }),
      ],
    };
    const report = simulate(candidate, [newcomer, decided(facts({ totalMinor: 10 }), autoApproved)]);
    assert.equal(report.changed, 1);
    assert.deepEqual(report.changes[0]?.orderId, newcomer.orderId);
    assert.deepEqual(report.changes[0]?.candidate, {
      ruleId: 'new-chemicals',
      outcome: 'auto-reject',
      reason: 'Check the licence first',
      levels: [],
    });
  });

  it('re-runs facts stored before list prices and terms changes were: no cut, no change seen', () => {
    const before = {
      currency: 'EUR',
      totalMinor: 200_000,
      maxLineDiscountBps: 0,
      creditLimitMinor: null,
      openBalanceMinor: 0,
      newCustomer: false,
      categories: [],
    };
    const old = { ...decided(facts({ totalMinor: 200_000 }), mediumOrder(200_000)), facts: before };
    const candidate = defaultRuleSet();
    candidate.rules.splice(
      1,
      0,
      defineRule('any-cut', 'Any cut', { belowListPriceBpsAbove: 0 }, { type: 'auto-reject', reason: 'x' }),
      defineRule(
        'any-change',
        'Any change',
        { termsChangedWithin: { seconds: 60 } },
        { type: 'auto-reject', reason: 'x' },
      ),
    );
    const report = simulate(candidate, [old]);
    assert.deepEqual([report.evaluated, report.skipped, report.changed], [1, 0, 0]);
  });

  it('sees a price cut and the creator’s own change in newer facts', () => {
    const cut = decided(
      facts({
        maxBelowListBps: 5_000,
        createdAt: '2026-03-01T10:00:00.000Z',
        createdBy: 'sam',
        termsChanges: [{ subject: 'product', ref: 'WIDGET', at: '2026-03-01T09:00:00.000Z', by: 'sam' }],
      }),
      { outcome: 'auto-approve', ruleId: 'rest', ruleName: 'Rest', observed: {} },
    );
    const report = simulate(defaultRuleSet(), [cut]);
    assert.deepEqual(
      report.changes.map((c) => [c.current.ruleId, c.candidate.ruleId]),
      [['rest', 'own-terms-change']],
    );
  });

  it('skips records whose decision or facts cannot be read, instead of guessing', () => {
    const good = decided(facts(), autoApproved);
    const report = simulate(defaultRuleSet(), [
      { ...good, facts: undefined },
      { ...good, facts: { ...facts(), totalMinor: 1.5 } },
      { ...good, decision: { outcome: 'maybe' } },
      good,
    ]);
    assert.deepEqual([report.evaluated, report.skipped, report.changed, report.unchanged], [1, 3, 0, 1]);
  });

  it('reports nothing for a tenant with no decided orders', () => {
    assert.deepEqual(simulate(defaultRuleSet(), []), {
      evaluated: 0,
      changed: 0,
      unchanged: 0,
      skipped: 0,
      changes: [],
    });
  });
});
