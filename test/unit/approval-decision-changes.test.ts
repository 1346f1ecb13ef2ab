import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { Decision, Facts } from '../../functions/approvals/rules';
import { addApprovedOrder } from '../../functions/customers/balance-items';
import { decisionChange } from '../../functions/workflow/decision';
import { anOrder } from '../support/workflow-fixtures';

/**
 * The whole order change each approval outcome makes, written out: status, what is stored (the
 * decision with its rule set version, the facts, the levels and the inbox entry), the event the
 * timeline and the feed show (actor, rule, what it observed, the levels' summary) and the time.
 * test/unit/workflow-decision.test.ts checks parts of it; these are the parts mutation testing
 * (issue 13) found unchecked. The customer item is built by addApprovedOrder, proven in
 * test/unit/customer-credit-items.test.ts.
 */
// Transaction items name their table; nothing is sent.
process.env.DOMAIN_TABLE_NAME ??= 'unit-domain';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const WORKFLOW = { type: 'system', id: 'workflow' };
const facts: Facts = {
  currency: 'EUR',
  totalMinor: 5_000,
  maxLineDiscountBps: 0,
  creditLimitMinor: null,
  openBalanceMinor: 0,
  newCustomer: true,
  categories: ['parts'],
  maxBelowListBps: 0,
  termsChanges: [],
};
const rule = { ruleId: 'r1', ruleName: 'Rule one' };

describe('approval decisions as order changes, in full', () => {
  it('auto-approve: APPROVED, no levels, an event by the workflow, the total joining the open balance', () => {
    const order = anOrder();
    const decision: Decision = { ...rule, outcome: 'auto-approve', observed: { totalMinor: 5_000 } };
    assert.deepEqual(decisionChange('t1', order, decision, facts, 4, NOW), {
      toStatus: 'APPROVED',
      set: { approval: { decision: { ...decision, ruleSetVersion: 4 }, levels: [] }, decisionFacts: facts },
      event: {
        type: 'APPROVAL_AUTO_APPROVED',
        actor: WORKFLOW,
        details: { ...rule, observed: { totalMinor: 5_000 } },
      },
      also: [
        addApprovedOrder(
          't1',
          order.customerId,
          { amountMinor: 5_000, currency: 'EUR' },
          { kind: 'no-limit' },
        ),
      ],
      now: '2026-03-01T10:00:00.000Z',
    });
  });

  it('auto-reject: REJECTED with the reason in the event, nothing else changed', () => {
    const decision: Decision = {
      ...rule,
      outcome: 'auto-reject',
      reason: 'Too risky',
      observed: { newCustomer: true },
    };
    assert.deepEqual(decisionChange('t1', anOrder(), decision, facts, 2, NOW), {
      toStatus: 'REJECTED',
      set: { approval: { decision: { ...decision, ruleSetVersion: 2 }, levels: [] }, decisionFacts: facts },
      event: {
        type: 'APPROVAL_AUTO_REJECTED',
        actor: WORKFLOW,
        details: { ...rule, reason: 'Too risky', observed: { newCustomer: true } },
      },
      now: '2026-03-01T10:00:00.000Z',
    });
  });

  it('require-approval: PENDING_APPROVAL, the first level in its role’s inbox, the levels summarised in the event', () => {
    const order = anOrder();
    const decision: Decision = {
      ...rule,
      outcome: 'require-approval',
      levels: [
        { role: 'approver', slaSeconds: 3_600, escalateTo: 'admin' },
        { role: 'admin', approverUserId: 'cfo', slaSeconds: 7_200, escalateTo: 'admin' },
      ],
      observed: { totalMinor: 5_000 },
    };
    const change = decisionChange('t1', order, decision, facts, 3, NOW);
    assert.deepEqual(change, {
      toStatus: 'PENDING_APPROVAL',
      set: {
        approval: {
          decision: { ...decision, ruleSetVersion: 3 },
          levels: [
            {
              level: 1,
              role: 'approver',
              slaSeconds: 3_600,
              escalateTo: 'admin',
              escalations: [],
              status: 'pending',
              requestedAt: '2026-03-01T10:00:00.000Z',
              dueAt: '2026-03-01T11:00:00.000Z',
            },
            {
              level: 2,
              role: 'admin',
              approverUserId: 'cfo',
              slaSeconds: 7_200,
              escalateTo: 'admin',
              escalations: [],
              status: 'waiting',
            },
          ],
        },
        decisionFacts: facts,
        inboxPk: 'T#t1#APPROVALS#approver',
        inboxSk: `2026-03-01T10:00:00.000Z#${order.id}`,
      },
      event: {
        type: 'APPROVAL_REQUIRED',
        actor: WORKFLOW,
        details: {
          ...rule,
          observed: { totalMinor: 5_000 },
          levels: [
            { level: 1, role: 'approver', slaSeconds: 3_600 },
            { level: 2, role: 'admin', slaSeconds: 7_200 },
          ],
        },
      },
      now: '2026-03-01T10:00:00.000Z',
    });
  });

  it('require-approval without levels stores none and puts nothing in an inbox', () => {
    const decision = { ...rule, outcome: 'require-approval', observed: {} } as Decision;
    const change = decisionChange('t1', anOrder(), decision, facts, 1, NOW);
    const set = change.set as Record<string, unknown>;
    assert.deepEqual((set.approval as { levels: unknown[] }).levels, []);
    assert.equal('inboxPk' in set, false);
    assert.deepEqual((change.event.details as { levels: unknown[] }).levels, []);
  });

  it('auto-approve within a limit guards the room the facts saw', () => {
    const order = anOrder();
    const decision: Decision = { ...rule, outcome: 'auto-approve', observed: {} };
    const change = decisionChange('t1', order, decision, { ...facts, creditLimitMinor: 9_000 }, 0, NOW);
    assert.deepEqual(change.also, [
      addApprovedOrder(
        't1',
        order.customerId,
        { amountMinor: 5_000, currency: 'EUR' },
        {
          kind: 'within-limit',
          creditLimitMinor: 9_000,
        },
      ),
    ]);
  });
});
