import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { Decision, Facts } from '../../functions/approvals/rules';
import { decisionChange } from '../../functions/workflow/decision';
import { anOrder } from '../support/workflow-fixtures';

// Transaction items name their table; nothing is sent.
process.env.DOMAIN_TABLE_NAME ??= 'unit-domain';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const facts = (extra: Partial<Facts> = {}): Facts => ({
  currency: 'EUR',
  totalMinor: 5_000,
  maxLineDiscountBps: 0,
  creditLimitMinor: null,
  openBalanceMinor: 0,
  newCustomer: true,
  categories: ['parts'],
  maxBelowListBps: 0,
  termsChanges: [],
  ...extra,
});
const base = { ruleId: 'r1', ruleName: 'Rule one' };

describe('the order change an approval decision makes', () => {
  it('requires approval: PENDING_APPROVAL, first level pending and in its role’s inbox, rule and facts kept', () => {
    const decision: Decision = {
      ...base,
      outcome: 'require-approval',
      levels: [
        { role: 'approver', slaSeconds: 3_600, escalateTo: 'admin' },
        { role: 'admin', slaSeconds: 7_200, escalateTo: 'admin' },
      ],
      observed: { currency: 'EUR', totalMinor: 5_000 },
    };
    const change = decisionChange('t1', anOrder(), decision, facts(), 3, NOW);
    assert.equal(change.toStatus, 'PENDING_APPROVAL');
    const set = change.set as Record<string, any>;
    assert.deepEqual(set.approval.decision, { ...decision, ruleSetVersion: 3 });
    assert.deepEqual(set.decisionFacts, facts());
    assert.deepEqual(
      set.approval.levels.map((l: any) => [l.level, l.role, l.status, l.dueAt]),
      [
        [1, 'approver', 'pending', '2026-03-01T11:00:00.000Z'],
        [2, 'admin', 'waiting', undefined],
      ],
    );
    assert.equal(set.inboxPk, 'T#t1#APPROVALS#approver');
    assert.equal(change.event.type, 'APPROVAL_REQUIRED');
    assert.equal(change.also, undefined);
  });

  it('auto-rejects with the rule’s reason and touches nothing else', () => {
    const decision: Decision = { ...base, outcome: 'auto-reject', reason: 'Too risky', observed: {} };
    const change = decisionChange('t1', anOrder(), decision, facts(), 0, NOW);
    assert.equal(change.toStatus, 'REJECTED');
    assert.deepEqual(change.event.details, { ...base, reason: 'Too risky', observed: {} });
    assert.equal(change.also, undefined);
  });

  it('auto-approves with the total joining the open balance, guarded by the room the credit check saw', () => {
    const unchecked = decisionChange(
      't1',
      anOrder(),
      { ...base, outcome: 'auto-approve', observed: {} },
      facts(),
      0,
      NOW,
    );
    assert.equal(unchecked.toStatus, 'APPROVED');
    // No limit in the facts: the customer must still have none in the order's currency.
    assert.equal(
      unchecked.also?.[0]?.Update?.ConditionExpression,
      'attribute_exists(pk) AND (attribute_not_exists(#limit.#cur) OR #limit.#cur <> :cur)',
    );
    assert.equal(unchecked.also?.[0]?.Update?.ExpressionAttributeValues?.[':cur'], 'EUR');

    const checked = decisionChange(
      't1',
      anOrder(),
      { ...base, outcome: 'auto-approve', observed: { exceedsCreditLimit: false } },
      facts({ creditLimitMinor: 20_000, openBalanceMinor: 10_000 }),
      0,
      NOW,
    );
    const update = checked.also?.[0]?.Update;
    assert.match(String(update?.ConditionExpression), /#open <= :ceiling/);
    assert.equal(update?.ExpressionAttributeValues?.[':ceiling'], 15_000, 'limit − this order’s total');
    assert.equal(update?.ExpressionAttributeValues?.[':delta'], 5_000);
  });

  it('guards the ceiling whatever rule fired, also one that never looked at credit', () => {
    const change = decisionChange(
      't1',
      anOrder(),
      { ...base, outcome: 'auto-approve', observed: {} },
      facts({ creditLimitMinor: 200_000, openBalanceMinor: 150_000 }),
      0,
      NOW,
    );
    const update = change.also?.[0]?.Update;
    assert.equal(
      update?.ConditionExpression,
      'attribute_exists(pk) AND #limit.#amount = :limit AND #limit.#cur = :cur AND (attribute_not_exists(#open) OR #open <= :ceiling)',
    );
    assert.deepEqual(update?.ExpressionAttributeValues, {
      ':delta': 5_000,
      ':cur': 'EUR',
      ':limit': 200_000,
      ':ceiling': 195_000,
    });
  });
});
