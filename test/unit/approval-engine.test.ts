import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { compareDecimals, toMinorUnitsCeil } from '../../functions/approvals/decimal';
import { defaultRuleSet } from '../../functions/approvals/defaults';
import { decide, exceedsCreditLimit, resolveLevels } from '../../functions/approvals/engine';
import { Decision, defineRule, type Facts, type Rule, RuleSet } from '../../functions/approvals/rules';
import { validateRuleSet } from '../../functions/approvals/validate';

const facts = (over: Partial<Facts> = {}): Facts => ({
  currency: 'EUR',
  totalMinor: 10_000,
  maxLineDiscountBps: 0,
  creditLimitMinor: null,
  openBalanceMinor: 0,
  newCustomer: false,
  categories: ['tools'],
  ...over,
});

const approve = { type: 'auto-approve' } as const;
const fallback: Rule = defineRule('default', 'Everything else', {}, approve);
/** One conditional rule that auto-rejects, then the catch-all: `hit` tells whether it matched. */
const hit = (when: Rule['when'], f: Facts) =>
  decide({ rules: [defineRule('r', 'R', when, { type: 'auto-reject', reason: 'x' }), fallback] }, f)
    .ruleId === 'r';

describe('approval engine: conditions', () => {
  it('orderTotalAtLeast and orderTotalBelow compare in minor units, inclusive and exclusive', () => {
    assert.equal(hit({ orderTotalAtLeast: '100.00' }, facts({ totalMinor: 9_999 })), false);
    assert.equal(hit({ orderTotalAtLeast: '100.00' }, facts({ totalMinor: 10_000 })), true);
    assert.equal(hit({ orderTotalAtLeast: '100' }, facts({ totalMinor: 10_000 })), true);
    assert.equal(hit({ orderTotalBelow: '100.00' }, facts({ totalMinor: 9_999 })), true);
    assert.equal(hit({ orderTotalBelow: '100.00' }, facts({ totalMinor: 10_000 })), false);
    const band = { orderTotalAtLeast: '50', orderTotalBelow: '100' };
    assert.equal(hit(band, facts({ totalMinor: 4_999 })), false);
    assert.equal(hit(band, facts({ totalMinor: 5_000 })), true);
    assert.equal(hit(band, facts({ totalMinor: 9_999 })), true);
    assert.equal(hit(band, facts({ totalMinor: 10_000 })), false);
  });

  it('reads thresholds in the order currency: JPY has no minor unit', () => {
    const jpy = (totalMinor: number) => facts({ currency: 'JPY', totalMinor });
    assert.equal(hit({ orderTotalAtLeast: '1000' }, jpy(999)), false);
    assert.equal(hit({ orderTotalAtLeast: '1000' }, jpy(1000)), true);
    // A finer threshold than the currency has rounds up, which is exact for both comparisons.
    assert.equal(hit({ orderTotalAtLeast: '1000.5' }, jpy(1000)), false);
    assert.equal(hit({ orderTotalAtLeast: '1000.5' }, jpy(1001)), true);
    assert.equal(hit({ orderTotalBelow: '1000.5' }, jpy(1000)), true);
    assert.equal(hit({ orderTotalBelow: '1000.5' }, jpy(1001)), false);
  });

  it('reads thresholds in the order currency: KWD has three decimals', () => {
    const kwd = (totalMinor: number) => facts({ currency: 'KWD', totalMinor });
    assert.equal(hit({ orderTotalAtLeast: '1.234' }, kwd(1233)), false);
    assert.equal(hit({ orderTotalAtLeast: '1.234' }, kwd(1234)), true);
    assert.equal(hit({ orderTotalAtLeast: '1000.00' }, kwd(999_999)), false);
    assert.equal(hit({ orderTotalAtLeast: '1000.00' }, kwd(1_000_000)), true);
    assert.equal(hit({ orderTotalBelow: '1.0005' }, kwd(1000)), true);
    assert.equal(hit({ orderTotalBelow: '1.0005' }, kwd(1001)), false);
    // The same threshold is 100 times fewer minor units in EUR.
    assert.equal(hit({ orderTotalAtLeast: '1000.00' }, facts({ totalMinor: 100_000 })), true);
  });

  it('converts decimals exactly, without floats', () => {
    assert.equal(toMinorUnitsCeil('0.1', 2), 10n);
    assert.equal(toMinorUnitsCeil('0.29', 2), 29n);
    assert.equal(toMinorUnitsCeil('1.001', 2), 101n);
    assert.equal(toMinorUnitsCeil('999999999999999.999999', 2), 100000000000000000n);
    assert.equal(toMinorUnitsCeil('12', 0), 12n);
    assert.equal(compareDecimals('1.50', '1.5'), 0);
    assert.equal(compareDecimals('1.499999', '1.5'), -1);
    assert.equal(compareDecimals('10', '9.99'), 1);
  });

  it('maxLineDiscountBpsAbove is strictly above', () => {
    assert.equal(hit({ maxLineDiscountBpsAbove: 1500 }, facts({ maxLineDiscountBps: 1500 })), false);
    assert.equal(hit({ maxLineDiscountBpsAbove: 1500 }, facts({ maxLineDiscountBps: 1501 })), true);
    assert.equal(hit({ maxLineDiscountBpsAbove: 0 }, facts({ maxLineDiscountBps: 0 })), false);
  });

  it('exceedsCreditLimit: open balance + total above the limit, at the boundary and without a limit', () => {
    const at = facts({ creditLimitMinor: 1_000, openBalanceMinor: 400, totalMinor: 600 });
    assert.equal(exceedsCreditLimit(at), false, 'exactly at the limit is within it');
    assert.equal(exceedsCreditLimit({ ...at, totalMinor: 601 }), true);
    assert.equal(exceedsCreditLimit({ ...at, openBalanceMinor: 401 }), true);
    assert.equal(exceedsCreditLimit({ ...at, creditLimitMinor: null, totalMinor: 10 ** 12 }), false);
    assert.equal(
      exceedsCreditLimit({ ...at, creditLimitMinor: 0, openBalanceMinor: 0, totalMinor: 0 }),
      false,
    );
    assert.equal(
      exceedsCreditLimit({ ...at, creditLimitMinor: 0, openBalanceMinor: 0, totalMinor: 1 }),
      true,
    );
    const huge = Number.MAX_SAFE_INTEGER;
    assert.equal(
      exceedsCreditLimit(facts({ creditLimitMinor: huge, openBalanceMinor: huge, totalMinor: 1 })),
      true,
      'sums beyond 2^53 stay exact',
    );
    assert.equal(hit({ exceedsCreditLimit: true }, at), false);
    assert.equal(hit({ exceedsCreditLimit: false }, at), true);
    assert.equal(hit({ exceedsCreditLimit: true }, { ...at, totalMinor: 601 }), true);
    assert.equal(hit({ exceedsCreditLimit: false }, { ...at, totalMinor: 601 }), false);
  });

  it('newCustomer and categoriesAny', () => {
    assert.equal(hit({ newCustomer: true }, facts({ newCustomer: true })), true);
    assert.equal(hit({ newCustomer: true }, facts({ newCustomer: false })), false);
    assert.equal(hit({ newCustomer: false }, facts({ newCustomer: false })), true);
    const f = facts({ categories: ['tools', 'chemicals'] });
    assert.equal(hit({ categoriesAny: ['chemicals', 'weapons'] }, f), true);
    assert.equal(hit({ categoriesAny: ['weapons'] }, f), false);
    assert.equal(hit({ categoriesAny: ['Chemicals'] }, f), false, 'exact match');
    assert.equal(hit({ categoriesAny: ['tools'] }, facts({ categories: [] })), false);
  });

  it('needs every condition of a rule to hold', () => {
    const when = { orderTotalAtLeast: '50', newCustomer: true, categoriesAny: ['tools'] };
    assert.equal(hit(when, facts({ newCustomer: true })), true);
    assert.equal(hit(when, facts({ newCustomer: false })), false);
    assert.equal(hit(when, facts({ newCustomer: true, totalMinor: 4_999 })), false);
    assert.equal(hit(when, facts({ newCustomer: true, categories: ['food'] })), false);
  });
});

describe('approval engine: decisions', () => {
  it('takes the first matching rule, not the strictest', () => {
    const rules: RuleSet = {
      rules: [
        defineRule('small', 'Small', { orderTotalBelow: '10' }, approve),
        defineRule('new', 'New', { newCustomer: true }, { type: 'auto-reject', reason: 'new' }),
        defineRule('also-new', 'New too', { newCustomer: true }, approve),
        fallback,
      ],
    };
    assert.equal(decide(rules, facts({ totalMinor: 999, newCustomer: true })).ruleId, 'small');
    assert.equal(decide(rules, facts({ totalMinor: 1_000, newCustomer: true })).ruleId, 'new');
    assert.equal(decide(rules, facts({ totalMinor: 1_000 })).ruleId, 'default');
  });

  it('fills in escalation targets: the next level, admin after the last, or as given', () => {
    assert.deepEqual(
      resolveLevels([
        { role: 'sales', slaSeconds: 60 },
        { role: 'approver', approverUserId: 'u-9', slaSeconds: 120, escalateTo: 'admin' },
        { role: 'approver', slaSeconds: 180 },
      ]),
      [
        { role: 'sales', slaSeconds: 60, escalateTo: 'approver' },
        { role: 'approver', approverUserId: 'u-9', slaSeconds: 120, escalateTo: 'admin' },
        { role: 'approver', slaSeconds: 180, escalateTo: 'admin' },
      ],
    );
  });

  it('records the rule, its reason and exactly the facts its conditions looked at', () => {
    const rules: RuleSet = {
      rules: [
        defineRule(
          'risky',
          'Risky',
          { newCustomer: true, categoriesAny: ['chemicals'], maxLineDiscountBpsAbove: 100 },
          { type: 'auto-reject', reason: 'Needs a human' },
        ),
        fallback,
      ],
    };
    const decision = decide(
      rules,
      facts({ newCustomer: true, categories: ['chemicals'], maxLineDiscountBps: 200, totalMinor: 5 }),
    );
    assert.deepEqual(decision, {
      outcome: 'auto-reject',
      ruleId: 'risky',
      ruleName: 'Risky',
      reason: 'Needs a human',
      observed: { maxLineDiscountBps: 200, newCustomer: true, categories: ['chemicals'] },
    });
    assert.ok(Decision.safeParse(decision).success);
    assert.deepEqual(decide(rules, facts()).observed, {}, 'an unconditional rule looked at nothing');
  });

  it('throws on a rule set with no catch-all (validation refuses those)', () => {
    assert.throws(() => decide({ rules: [{ ...fallback, when: { newCustomer: true } }] }, facts()));
  });
});

describe('default approval rules', () => {
  const defaults = defaultRuleSet();
  const eur = (totalMinor: number, over: Partial<Facts> = {}) =>
    decide(defaults, facts({ totalMinor, ...over }));

  it('are a valid rule set', () => {
    assert.ok(RuleSet.safeParse(defaults).success);
    assert.deepEqual(validateRuleSet(defaults), []);
  });

  it('auto-approve below 1,000.00', () => {
    const decision = eur(99_999);
    assert.equal(decision.outcome, 'auto-approve');
    assert.equal(decision.ruleId, 'default');
    assert.equal(decision.levels, undefined);
  });

  it('need one approver level from 1,000.00', () => {
    const decision = eur(100_000);
    assert.equal(decision.outcome, 'require-approval');
    assert.equal(decision.ruleId, 'medium-order');
    assert.deepEqual(decision.levels, [{ role: 'approver', slaSeconds: 86_400, escalateTo: 'admin' }]);
    assert.deepEqual(decision.observed, { currency: 'EUR', totalMinor: 100_000 });
  });

  it('need two levels (approver, then admin) from 10,000.00', () => {
    assert.equal(eur(999_999).ruleId, 'medium-order');
    const decision = eur(1_000_000);
    assert.equal(decision.ruleId, 'large-order');
    assert.deepEqual(decision.levels, [
      { role: 'approver', slaSeconds: 86_400, escalateTo: 'admin' },
      { role: 'admin', slaSeconds: 86_400, escalateTo: 'admin' },
    ]);
  });

  it('need two levels for a discount over 15%, even on a small order', () => {
    assert.equal(eur(5_000, { maxLineDiscountBps: 1_500 }).outcome, 'auto-approve');
    const decision = eur(5_000, { maxLineDiscountBps: 1_600 });
    assert.equal(decision.ruleId, 'deep-discount');
    assert.equal(decision.levels?.length, 2);
    assert.deepEqual(decision.observed, { maxLineDiscountBps: 1_600 });
  });

  it('auto-reject over the credit limit, before any size rule', () => {
    const decision = eur(2_000_000, { creditLimitMinor: 2_500_000, openBalanceMinor: 500_001 });
    assert.equal(decision.outcome, 'auto-reject');
    assert.equal(decision.ruleId, 'over-credit-limit');
    assert.match(decision.reason ?? '', /credit limit/);
    assert.deepEqual(decision.observed, {
      creditLimitMinor: 2_500_000,
      openBalanceMinor: 500_001,
      totalMinor: 2_000_000,
      currency: 'EUR',
      exceedsCreditLimit: true,
    });
    assert.equal(
      eur(2_000_000, { creditLimitMinor: 2_500_000, openBalanceMinor: 500_000 }).ruleId,
      'large-order',
      'exactly at the limit is allowed',
    );
  });

  it('read their thresholds in the order currency (JPY, KWD)', () => {
    assert.equal(eur(999, { currency: 'JPY' }).outcome, 'auto-approve');
    assert.equal(eur(1_000, { currency: 'JPY' }).ruleId, 'medium-order');
    assert.equal(eur(10_000, { currency: 'JPY' }).ruleId, 'large-order');
    assert.equal(eur(999_999, { currency: 'KWD' }).outcome, 'auto-approve');
    assert.equal(eur(1_000_000, { currency: 'KWD' }).ruleId, 'medium-order');
    assert.equal(eur(10_000_000, { currency: 'KWD' }).ruleId, 'large-order');
  });

  it('are a fresh copy each time', () => {
    const copy = defaultRuleSet();
    copy.rules.pop();
    assert.equal(defaultRuleSet().rules.length, 5);
  });
});

describe('approval engine: the credit guard', () => {
  /** 500.00 on a 2,000.00 limit with 1,600.00 open: over the limit by 100.00. */
  const over = facts({ totalMinor: 50_000, creditLimitMinor: 200_000, openBalanceMinor: 160_000 });
  const creditObserved = {
    currency: 'EUR',
    totalMinor: 50_000,
    creditLimitMinor: 200_000,
    openBalanceMinor: 160_000,
    exceedsCreditLimit: true,
  };

  it('stops a rule set without any credit rule from auto-approving past the limit: auto-reject by default', () => {
    const decision = decide({ rules: [fallback] }, over);
    assert.deepEqual(decision, {
      outcome: 'auto-reject',
      ruleId: 'credit-guard',
      ruleName: 'Credit limit guard',
      reason: decision.reason,
      observed: creditObserved,
      guarded: { ruleId: 'default', ruleName: 'Everything else' },
    });
    assert.match(decision.reason ?? '', /credit limit/);
    assert.ok(Decision.safeParse(decision).success, 'stored decisions read back');
  });

  it('applies the rule set’s own guard outcome: auto-reject with its reason, or approval levels', () => {
    const rejecting = decide(
      { rules: [fallback], overCreditLimit: { type: 'auto-reject', reason: 'Ask finance first' } },
      over,
    );
    assert.equal(rejecting.outcome, 'auto-reject');
    assert.equal(rejecting.reason, 'Ask finance first');

    const asking = decide(
      {
        rules: [fallback],
        overCreditLimit: { type: 'require-approval', levels: [{ role: 'approver', slaSeconds: 600 }] },
      },
      over,
    );
    assert.equal(asking.outcome, 'require-approval');
    assert.equal(asking.ruleId, 'credit-guard');
    assert.deepEqual(asking.levels, [{ role: 'approver', slaSeconds: 600, escalateTo: 'admin' }]);
    assert.deepEqual(asking.observed, creditObserved);
    assert.equal(asking.reason, undefined);
  });

  it('leaves every decision alone that is not an auto-approval past the limit', () => {
    const rules: RuleSet = {
      rules: [
        defineRule(
          'big',
          'Big',
          { orderTotalAtLeast: '450.00' },
          {
            type: 'require-approval',
            levels: [{ role: 'approver', slaSeconds: 600 }],
          },
        ),
        fallback,
      ],
    };
    assert.equal(decide(rules, over).ruleId, 'big', 'a rule that asks a person still decides');
    const small = { ...over, totalMinor: 40_000 };
    assert.equal(decide(rules, small).ruleId, 'default', 'exactly at the limit: the rule auto-approves');
    assert.deepEqual(decide(rules, small).observed, {}, 'and sees nothing it did not look at');
    assert.equal(decide(rules, { ...over, creditLimitMinor: null }).ruleId, 'big');
    assert.equal(
      decide({ rules: [fallback] }, { ...over, creditLimitMinor: null }).outcome,
      'auto-approve',
      'no limit, nothing to guard',
    );
  });

  it('also stops a rule that looked at credit and matched anyway (exceedsCreditLimit: true → auto-approve)', () => {
    const careless = defineRule('vip', 'VIP', { exceedsCreditLimit: true }, approve);
    const decision = decide({ rules: [careless, fallback] }, over);
    assert.equal(decision.ruleId, 'credit-guard');
    assert.deepEqual(decision.guarded, { ruleId: 'vip', ruleName: 'VIP' });
  });

  it('leaves the defaults’ over-credit-limit rule to decide first', () => {
    const decision = decide(defaultRuleSet(), over);
    assert.equal(decision.ruleId, 'over-credit-limit');
    assert.equal(decision.guarded, undefined);
  });
});
