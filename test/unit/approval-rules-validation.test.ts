import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { defaultRuleSet } from '../../functions/approvals/defaults';
import { InvalidApprovalRulesError } from '../../functions/approvals/errors';
import { defineRule, type Outcome, type Rule, RuleSet } from '../../functions/approvals/rules';
import { assertValidRuleSet, validateRuleSet } from '../../functions/approvals/validate';
import { problemFromError } from '../../functions/shared/http/problem';

const fallback: Rule = defineRule('default', 'Everything else', {}, { type: 'auto-approve' });
const approval = (levels: Extract<Outcome, { type: 'require-approval' }>['levels']): Outcome => ({
  type: 'require-approval',
  levels,
});
const issuesOf = (rules: Rule[]) => validateRuleSet({ rules });

describe('approval rules: semantic validation names the rule', () => {
  it('accepts the defaults and a single catch-all', () => {
    assert.deepEqual(validateRuleSet(defaultRuleSet()), []);
    assert.deepEqual(issuesOf([fallback]), []);
  });

  it('refuses duplicate rule ids', () => {
    const rule = defineRule('big', 'Big', { orderTotalAtLeast: '10' }, fallback.then);
    assert.deepEqual(issuesOf([rule, { ...rule, name: 'Big again' }, fallback]), [
      {
        field: 'body.rules.1.id',
        message: "rule 0 already has the id 'big'; rule ids must be unique",
        rule: 'big',
      },
    ]);
  });

  it('refuses a last rule with conditions: some order would get no decision', () => {
    const issues = issuesOf([{ ...fallback, id: 'only-new', when: { newCustomer: true } }]);
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.field, 'body.rules.0.when');
    assert.equal(issues[0]?.rule, 'only-new');
    assert.match(issues[0]?.message ?? '', /last rule must have no conditions/);
  });

  it('refuses an unconditional rule before the last: the rules after it are never reached', () => {
    const issues = issuesOf([
      { ...fallback, id: 'catch-early' },
      defineRule('never', 'Never', { newCustomer: true }, fallback.then),
      fallback,
    ]);
    assert.deepEqual(issues, [
      {
        field: 'body.rules.0.when',
        message:
          'has no conditions, so it matches every order and the rules after it are never reached; only the last rule may be unconditional',
        rule: 'catch-early',
      },
    ]);
  });

  it('treats a condition set to undefined as no condition, as the engine does', () => {
    // Rules built in code may clear a condition by setting it to undefined; decide() then matches
    // every order with it, so validation must see the rule as unconditional too.
    const cleared = { ...fallback, id: 'cleared', when: { newCustomer: undefined } };
    assert.deepEqual(
      issuesOf([cleared, fallback]).map((i) => [i.field, i.rule]),
      [['body.rules.0.when', 'cleared']],
    );
    assert.deepEqual(issuesOf([defineRule('new', 'New', { newCustomer: true }, fallback.then), cleared]), []);
  });

  it('refuses an empty total band, comparing decimals by value', () => {
    const band = (orderTotalAtLeast: string, orderTotalBelow: string) =>
      defineRule('band', 'Band', { orderTotalAtLeast, orderTotalBelow }, fallback.then);
    const other = (id: string) => defineRule(id, id, { newCustomer: true }, fallback.then);
    const issues = issuesOf([other('a'), other('b'), other('c'), band('100.00', '100'), fallback]);
    assert.deepEqual(issues, [
      {
        field: 'body.rules.3.when.orderTotalBelow',
        message: 'must be greater than orderTotalAtLeast (100.00): no order total is both ≥ 100.00 and < 100',
        rule: 'band',
      },
    ]);
    assert.equal(issuesOf([band('100.01', '100'), fallback]).length, 1);
    assert.deepEqual(issuesOf([band('99.999', '100'), fallback]), []);
  });

  it('accepts a total band open on either side', () => {
    const open = (when: Rule['when']) =>
      issuesOf([defineRule('open', 'Open', when, fallback.then), fallback]);
    assert.deepEqual(open({ orderTotalBelow: '100' }), []);
    assert.deepEqual(open({ orderTotalAtLeast: '100' }), []);
  });

  it('refuses levels that wait on or escalate to roles that never approve', () => {
    const issues = issuesOf([
      defineRule(
        'odd-levels',
        'Odd levels',
        { newCustomer: true },
        approval([
          { role: 'approver', slaSeconds: 3600 },
          { role: 'integration', slaSeconds: 3600 },
          { role: 'admin', slaSeconds: 3600, escalateTo: 'analyst' },
          { role: 'analyst', slaSeconds: 3600 },
        ]),
      ),
      fallback,
    ]);
    assert.deepEqual(
      issues.map((i) => [i.field, i.rule]),
      [
        ['body.rules.0.then.levels.1.role', 'odd-levels'],
        ['body.rules.0.then.levels.2.escalateTo', 'odd-levels'],
        ['body.rules.0.then.levels.3.role', 'odd-levels'],
      ],
    );
    assert.equal(issues[0]?.message, "'integration' never approves orders; use a role that does");
    assert.equal(issues[1]?.message, "'analyst' never approves orders; escalate to a role that does");
  });

  it('refuses one named approver on two levels (one person cannot approve two levels)', () => {
    const issues = issuesOf([
      defineRule(
        'same-person',
        'Same person',
        { orderTotalAtLeast: '1' },
        approval([
          { role: 'approver', approverUserId: 'u-1', slaSeconds: 3600 },
          { role: 'admin', approverUserId: 'u-1', slaSeconds: 3600 },
        ]),
      ),
      fallback,
    ]);
    assert.deepEqual(issues, [
      {
        field: 'body.rules.0.then.levels.1.approverUserId',
        message: 'level 0 names the same approver; one person cannot approve two levels of an order',
        rule: 'same-person',
      },
    ]);
  });

  it('reports every issue, at its index, and prefixes the location', () => {
    const rules: Rule[] = [
      defineRule('a', 'A', { orderTotalAtLeast: '5', orderTotalBelow: '1' }, fallback.then),
      defineRule('a', 'A2', {}, approval([{ role: 'analyst', slaSeconds: 60 }])),
      defineRule('z', 'Z', { newCustomer: false }, fallback.then),
    ];
    assert.deepEqual(
      validateRuleSet({ rules }, 'candidate').map((i) => [i.field, i.rule]),
      [
        ['candidate.rules.0.when.orderTotalBelow', 'a'],
        ['candidate.rules.1.id', 'a'],
        ['candidate.rules.1.when', 'a'],
        ['candidate.rules.1.then.levels.0.role', 'a'],
        ['candidate.rules.2.when', 'z'],
      ],
    );
  });

  it('throws a 422 invalid-approval-rules problem that names the rule', () => {
    const rules = [{ ...fallback, id: 'tail', when: { newCustomer: true } }];
    assert.throws(
      () => assertValidRuleSet({ rules }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidApprovalRulesError);
        const { problem } = problemFromError(error);
        assert.equal(problem.status, 422);
        assert.equal(problem.type, 'urn:orderly:problem:invalid-approval-rules');
        assert.match(problem.detail, /^Rule 'tail': body\.rules\.0\.when: /);
        assert.deepEqual(
          (problem.errors as { field: string; rule: string }[]).map((e) => [e.field, e.rule]),
          [['body.rules.0.when', 'tail']],
        );
        return true;
      },
    );
  });
});

describe('approval rules: shape (the 400 layer)', () => {
  const valid = defaultRuleSet();
  const parse = (value: unknown) => RuleSet.safeParse(value);

  it('accepts the defaults and refuses unknown fields', () => {
    assert.ok(parse(valid).success);
    assert.ok(!parse({ rules: [{ ...fallback, when: { orderTotalAbove: '1' } }] }).success);
    assert.ok(!parse({ ...valid, version: 3 }).success);
  });

  it('bounds the list, the ids, the levels and the SLAs', () => {
    assert.ok(!parse({ rules: [] }).success);
    assert.ok(
      !parse({ rules: Array.from({ length: 51 }, (_, i) => ({ ...fallback, id: `r${i}` })) }).success,
    );
    assert.ok(parse({ rules: Array.from({ length: 50 }, (_, i) => ({ ...fallback, id: `r${i}` })) }).success);
    for (const id of ['', 'Big', '-x', 'a_b', 'x'.repeat(64)])
      assert.ok(!parse({ rules: [{ ...fallback, id }] }).success, id);
    const levels = (n: number, slaSeconds = 60) => ({
      rules: [
        defineRule(
          'levels',
          'Levels',
          {},
          {
            type: 'require-approval',
            levels: Array(n).fill({ role: 'admin', slaSeconds }),
          },
        ),
      ],
    });
    assert.ok(!parse(levels(0)).success);
    assert.ok(parse(levels(5)).success);
    assert.ok(!parse(levels(6)).success);
    assert.ok(!parse(levels(1, 59)).success);
    assert.ok(parse(levels(1, 2_592_000)).success);
    assert.ok(!parse(levels(1, 2_592_001)).success);
    assert.ok(!parse({ rules: [defineRule('r', 'R', {}, { type: 'auto-reject' } as any)] }).success);
  });

  it('takes amounts as decimal strings, never numbers', () => {
    const when = (orderTotalAtLeast: unknown) =>
      parse({ rules: [{ ...fallback, when: { orderTotalAtLeast } }] });
    for (const ok of ['0', '1000', '1000.00', '0.5', '999999999999999.999999'])
      assert.ok(when(ok).success, ok);
    for (const bad of [1000, '1,000.00', '1e3', '-1', '01', '1.', '.5', '1.1234567', ' 1', 'NaN'])
      assert.ok(!when(bad).success, String(bad));
  });
});

describe('approval rules: the credit guard', () => {
  const withGuard = (extra: Partial<RuleSet>) => ({ rules: [fallback], ...extra });

  it('takes an auto-reject or require-approval outcome and the override roles; never auto-approve', () => {
    const parse = (value: unknown) => RuleSet.safeParse(value).success;
    assert.ok(parse(withGuard({})), 'both are optional');
    assert.ok(parse(withGuard({ overCreditLimit: { type: 'auto-reject', reason: 'No.' } })));
    assert.ok(
      parse(
        withGuard({
          overCreditLimit: approval([{ role: 'admin', slaSeconds: 3600 }]) as RuleSet['overCreditLimit'],
          creditOverrideRoles: [],
        }),
      ),
    );
    assert.ok(!parse(withGuard({ overCreditLimit: { type: 'auto-approve' } as any })));
    assert.ok(!parse(withGuard({ overCreditLimit: { type: 'auto-reject' } as any })), 'a reason is needed');
    assert.ok(!parse(withGuard({ creditOverrideRoles: ['boss'] as any })));
  });

  it('checks the guard’s levels and override roles like a rule’s, naming credit-guard', () => {
    const issues = validateRuleSet(
      withGuard({
        overCreditLimit: approval([
          { role: 'analyst', slaSeconds: 3600 },
          { role: 'admin', slaSeconds: 3600, escalateTo: 'integration' },
        ]) as RuleSet['overCreditLimit'],
        creditOverrideRoles: ['admin', 'integration', 'admin'],
      }),
    );
    assert.deepEqual(
      issues.map((i) => [i.field, i.rule]),
      [
        ['body.overCreditLimit.levels.0.role', 'credit-guard'],
        ['body.overCreditLimit.levels.1.escalateTo', 'credit-guard'],
        ['body.creditOverrideRoles.1', 'credit-guard'],
        ['body.creditOverrideRoles.2', 'credit-guard'],
      ],
    );
    assert.match(issues[2]?.message ?? '', /'integration' never approves orders/);
    assert.match(issues[3]?.message ?? '', /listed twice/);
    assert.deepEqual(validateRuleSet(withGuard({ creditOverrideRoles: ['admin', 'approver'] })), []);
  });

  it('keeps the id credit-guard for the guard', () => {
    const issues = validateRuleSet({ rules: [{ ...fallback, id: 'credit-guard' }] });
    assert.deepEqual(issues, [
      {
        field: 'body.rules.0.id',
        message: "'credit-guard' names the credit guard in decisions; give the rule another id",
        rule: 'credit-guard',
      },
    ]);
  });
});
