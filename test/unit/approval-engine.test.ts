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
  maxBelowListBps: 0,
  termsChanges: [],
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
    assert.throws(() => decide({ rules: [{ ...fallback, when: { newCustomer: true } }] }, facts()), {
      name: 'Error',
      message: 'No approval rule matched: a valid rule set ends with an unconditional rule',
    });
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
    assert.equal(defaultRuleSet().rules.length, 7);
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

describe('approval engine: terms that changed under an order', () => {
  const CREATED = '2026-03-01T10:00:00.000Z';
  const hoursFromCreation = (hours: number) =>
    new Date(Date.parse(CREATED) + hours * 3_600_000).toISOString();
  const change = (
    hours: number,
    by: string,
    subject: 'product' | 'customer' = 'product',
  ): Facts['termsChanges'][number] => ({
    subject,
    ref: subject === 'product' ? 'WIDGET' : '01JZ00000000000000000000C1',
    at: hoursFromCreation(hours),
    by,
  });
  const ordered = (termsChanges: Facts['termsChanges'], over: Partial<Facts> = {}) =>
    facts({ createdAt: CREATED, createdBy: 'sam', termsChanges, ...over });

  it('belowListPriceBpsAbove is strictly above, and records what it saw', () => {
    assert.equal(hit({ belowListPriceBpsAbove: 1500 }, facts({ maxBelowListBps: 1500 })), false);
    assert.equal(hit({ belowListPriceBpsAbove: 1500 }, facts({ maxBelowListBps: 1501 })), true);
    assert.equal(hit({ belowListPriceBpsAbove: 0 }, facts({ maxBelowListBps: 0 })), false);
    const rules = { rules: [defineRule('cut', 'Cut', { belowListPriceBpsAbove: 1500 }, approve), fallback] };
    assert.deepEqual(decide(rules, facts({ maxBelowListBps: 5000 })).observed, { maxBelowListBps: 5000 });
  });

  it('termsChangedWithin counts changes from `seconds` before creation, and after it', () => {
    const day = { termsChangedWithin: { seconds: 86_400 } };
    assert.equal(hit(day, ordered([change(-24, 'ann')])), true, 'exactly 24 h before');
    assert.equal(hit(day, ordered([change(-24.001, 'ann')])), false);
    assert.equal(
      hit(day, ordered([change(2, 'ann', 'customer')])),
      true,
      'after creation, before the decision',
    );
    assert.equal(hit(day, ordered([])), false);
    assert.equal(hit({ termsChangedWithin: { seconds: 60 } }, ordered([change(-1, 'ann')])), false);
  });

  it('termsChangedWithin with byOrderCreator counts only the order creator’s changes', () => {
    const own = { termsChangedWithin: { seconds: 86_400, byOrderCreator: true } };
    assert.equal(hit(own, ordered([change(-1, 'ann')])), false);
    assert.equal(hit(own, ordered([change(-1, 'ann'), change(-2, 'sam', 'customer')])), true);
    assert.equal(hit(own, ordered([change(-30, 'sam')])), false, 'the creator’s, but too long ago');
    const anyone = { termsChangedWithin: { seconds: 86_400, byOrderCreator: false } };
    assert.equal(hit(anyone, ordered([change(-1, 'ann')])), true, 'false: anyone’s change counts');
  });

  it('termsChangedWithin records the changes that counted, and what they were judged against', () => {
    const rules = {
      rules: [
        defineRule(
          'own',
          'Own',
          { termsChangedWithin: { seconds: 86_400, byOrderCreator: true } },
          { type: 'require-approval' as const, levels: [{ role: 'approver' as const, slaSeconds: 600 }] },
        ),
        fallback,
      ],
    };
    const decision = decide(rules, ordered([change(-1, 'ann'), change(-2, 'sam'), change(-48, 'sam')]));
    assert.deepEqual(decision.observed, {
      termsChanges: [change(-2, 'sam')],
      createdAt: CREATED,
      createdBy: 'sam',
    });
    assert.ok(Decision.safeParse(decision).success, 'stored decisions read back');
  });

  it('termsChangedWithin without byOrderCreator records no creator: it did not look at one', () => {
    const anyone = (byOrderCreator?: boolean) => ({
      rules: [
        defineRule(
          'any',
          'Any',
          {
            termsChangedWithin: {
              seconds: 86_400,
              ...(byOrderCreator === undefined ? {} : { byOrderCreator }),
            },
          },
          { type: 'auto-reject' as const, reason: 'x' },
        ),
        fallback,
      ],
    });
    const f = ordered([change(-1, 'ann')]);
    const expected = { termsChanges: [change(-1, 'ann')], createdAt: CREATED };
    assert.deepEqual(decide(anyone(), f).observed, expected);
    assert.deepEqual(decide(anyone(false), f).observed, expected);
  });

  it('termsChangedWithin never holds on facts stored before orders recorded their creation', () => {
    const old = facts({ termsChanges: [change(0, 'sam')] });
    assert.equal(hit({ termsChangedWithin: { seconds: 2_592_000 } }, old), false);
  });

  it('the schema bounds the window to 60 s … 30 days and knows its fields', () => {
    const when = (termsChangedWithin: unknown) =>
      RuleSet.safeParse({ rules: [{ ...fallback, when: { termsChangedWithin } }] }).success;
    assert.equal(when({ seconds: 60 }), true);
    assert.equal(when({ seconds: 2_592_000, byOrderCreator: true }), true);
    assert.equal(when({ seconds: 59 }), false);
    assert.equal(when({ seconds: 2_592_001 }), false);
    assert.equal(when({ seconds: 3_600.5 }), false);
    assert.equal(when({ seconds: 3_600, byCreator: true }), false);
    assert.equal(when({}), false);
    const below = (belowListPriceBpsAbove: unknown) =>
      RuleSet.safeParse({ rules: [{ ...fallback, when: { belowListPriceBpsAbove } }] }).success;
    assert.deepEqual(
      [below(0), below(10_000), below(-1), below(10_001), below(1.5)],
      [true, true, false, false, false],
    );
  });
});

describe('default approval rules: terms that changed under an order', () => {
  const defaults = defaultRuleSet();
  const CREATED = '2026-03-01T10:00:00.000Z';
  const cut = (by: string, at = '2026-03-01T09:00:00.000Z') =>
    facts({
      createdAt: CREATED,
      createdBy: 'sam',
      termsChanges: [{ subject: 'product', ref: 'WIDGET', at, by }],
    });
  const eurBelow = (maxBelowListBps: number) =>
    decide(defaults, facts({ totalMinor: 5_000, maxBelowListBps }));

  it('follow over-credit-limit with own-terms-change, and deep-discount with below-list-price', () => {
    assert.deepEqual(
      defaults.rules.map((rule) => rule.id),
      [
        'over-credit-limit',
        'own-terms-change',
        'large-order',
        'deep-discount',
        'below-list-price',
        'medium-order',
        'default',
      ],
    );
  });

  it('ask an approver, then an admin, for an order right after its creator changed the terms of one of its products', () => {
    const decision = decide(defaults, cut('sam'));
    assert.equal(decision.outcome, 'require-approval');
    assert.equal(decision.ruleId, 'own-terms-change');
    assert.equal(decision.ruleName, 'Terms changed in the last 24 h by the order’s creator');
    // Never less than what a large or deeply discounted order would need without the change.
    assert.deepEqual(decision.levels, [
      { role: 'approver', slaSeconds: 86_400, escalateTo: 'admin' },
      { role: 'admin', slaSeconds: 86_400, escalateTo: 'admin' },
    ]);
    assert.equal(decide(defaults, cut('ann')).outcome, 'auto-approve', 'someone else’s change');
    assert.equal(
      decide(defaults, cut('sam', '2026-02-28T09:59:59.999Z')).outcome,
      'auto-approve',
      'more than a day before',
    );
  });

  it('still reject over the credit limit first, even after the creator’s own change', () => {
    const over = { ...cut('sam'), totalMinor: 50_000, creditLimitMinor: 40_000 };
    assert.equal(decide(defaults, over).ruleId, 'over-credit-limit');
  });

  it('ask approver then admin for a line more than 15% below its list price', () => {
    assert.equal(eurBelow(1_500).outcome, 'auto-approve');
    const decision = eurBelow(5_000);
    assert.equal(decision.ruleId, 'below-list-price');
    assert.equal(decision.ruleName, 'A line more than 15% below its list price');
    assert.deepEqual(
      decision.levels?.map((level) => level.role),
      ['approver', 'admin'],
    );
    assert.deepEqual(decision.observed, { maxBelowListBps: 5_000 });
    assert.equal(
      decide(defaults, facts({ maxLineDiscountBps: 1_600, maxBelowListBps: 1_600 })).ruleId,
      'deep-discount',
      'a discount alone is still a deep discount',
    );
  });
});
