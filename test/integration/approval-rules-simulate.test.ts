import assert from 'node:assert/strict';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { type Decision, defineRule, type Facts } from '../../functions/approvals/rules';
import { createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';

const tables = await createTestTables();
const { handler: simulate } = await import('../../functions/approvals/simulate-handler');
const { defaultRuleSet } = await import('../../functions/approvals/defaults');
const { orderKey, orderIndexAttributes } = await import('../../functions/orders/keys');
const { documentClient } = await import('../../functions/shared/db/client');
const { newId } = await import('../../functions/shared/ids');

const SIMULATE = 'POST /v1/approval-rules/simulate';

const facts = (totalMinor: number): Facts => ({
  currency: 'EUR',
  totalMinor,
  maxLineDiscountBps: 0,
  creditLimitMinor: null,
  openBalanceMinor: 0,
  newCustomer: false,
  categories: ['tools'],
  maxBelowListBps: 0,
  termsChanges: [],
});

/*
 * The decisions stored with the seeded orders are written out by hand, as the default rules
 * (functions/approvals/defaults.ts) decide them, not computed by the engine the simulation re-runs.
 */
const autoApproved: Decision = {
  outcome: 'auto-approve',
  ruleId: 'default',
  ruleName: 'Everything else',
  observed: {},
};
const mediumOrder = (totalMinor: number): Decision => ({
  outcome: 'require-approval',
  ruleId: 'medium-order',
  ruleName: 'Medium order: from 1,000.00',
  levels: [{ role: 'approver', slaSeconds: 86_400, escalateTo: 'admin' }],
  observed: { currency: 'EUR', totalMinor },
});

/**
 * An order item as the orders store keeps it, reduced to what `listRecentOrderDecisions` reads:
 * the decision under `approval.decision`, the facts beside it in `decisionFacts`.
 */
async function seedOrder(tenantId: string, n: number, decided?: { facts: Facts; decision: Decision }) {
  const id = newId();
  const createdAt = new Date(Date.UTC(2026, 2, 1, 10, 0, n)).toISOString();
  await documentClient.send(
    new PutCommand({
      TableName: tables.domain,
      Item: {
        ...orderKey(tenantId, id),
        ...orderIndexAttributes(tenantId, { id, customerId: newId(), status: 'SUBMITTED', createdAt }),
        entity: 'ORDER',
        tenantId,
        id,
        number: `SO-2026-${String(n).padStart(6, '0')}`,
        createdAt,
        ...(decided
          ? { approval: { decision: decided.decision, levels: [] }, decisionFacts: decided.facts }
          : {}),
      },
    }),
  );
  return { id, number: `SO-2026-${String(n).padStart(6, '0')}` };
}

/** The defaults with the one-approver threshold lowered to 500.00. */
function lowerThreshold() {
  const rules = defaultRuleSet().rules.map((rule) =>
    rule.id === 'medium-order'
      ? defineRule(rule.id, rule.name, { orderTotalAtLeast: '500.00' }, rule.then)
      : rule,
  );
  return { rules };
}

describe('approval rule simulation against DynamoDB Local', () => {
  afterAll(() => tables.drop());

  it('applies the candidate’s credit guard: rules without a credit rule still never auto-approve past the limit', async () => {
    const tenant = uniqueTenant();
    // 500.00 with 1,600.00 open on 2,000.00: the defaults reject it by their over-credit-limit rule.
    const over = await seedOrder(tenant, 1, {
      facts: { ...facts(50_000), creditLimitMinor: 200_000, openBalanceMinor: 160_000 },
      decision: {
        outcome: 'auto-reject',
        ruleId: 'over-credit-limit',
        ruleName: 'Over the credit limit',
        reason: 'The order would take the customer’s open balance above their credit limit.',
        observed: {
          creditLimitMinor: 200_000,
          openBalanceMinor: 160_000,
          totalMinor: 50_000,
          currency: 'EUR',
          exceedsCreditLimit: true,
        },
      },
    });
    // Fits: approved either way.
    await seedOrder(tenant, 2, {
      facts: { ...facts(50_000), creditLimitMinor: 200_000 },
      decision: autoApproved,
    });
    const approveAll = [defineRule('default', 'Everything else', {}, { type: 'auto-approve' })];

    const rejecting = await invoke(simulate, {
      routeKey: SIMULATE,
      body: { rules: approveAll },
      principal: principal(tenant),
    });
    assert.equal(rejecting.status, 200);
    assert.equal(rejecting.body.evaluated, 2);
    assert.equal(rejecting.body.changed, 1, 'the rejection changes only in its reason');
    assert.deepEqual(
      [
        rejecting.body.changes[0].orderId,
        rejecting.body.changes[0].candidate.ruleId,
        rejecting.body.changes[0].candidate.outcome,
      ],
      [over.id, 'credit-guard', 'auto-reject'],
    );

    const asking = await invoke(simulate, {
      routeKey: SIMULATE,
      body: {
        rules: approveAll,
        overCreditLimit: { type: 'require-approval', levels: [{ role: 'admin', slaSeconds: 3600 }] },
      },
      principal: principal(tenant),
    });
    assert.equal(asking.status, 200);
    assert.deepEqual(asking.body.changes[0].candidate, {
      ruleId: 'credit-guard',
      outcome: 'require-approval',
      levels: [{ role: 'admin', slaSeconds: 3600, escalateTo: 'admin' }],
    });

    const refused = await invoke(simulate, {
      routeKey: SIMULATE,
      body: { rules: approveAll, creditOverrideRoles: ['integration'] },
      principal: principal(tenant),
    });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.errors[0].rule, 'credit-guard');
  });

  it('re-decides the most recent decided orders and lists the changes, newest first', async () => {
    const tenant = uniqueTenant();
    await seedOrder(tenant, 0, undefined); // not decided yet: left out
    // 600.00 → changes
    const o1 = await seedOrder(tenant, 1, { facts: facts(60_000), decision: autoApproved });
    // 400.00 → auto-approve either way
    await seedOrder(tenant, 2, { facts: facts(40_000), decision: autoApproved });
    // 1,500.00 → one level either way
    await seedOrder(tenant, 3, { facts: facts(150_000), decision: mediumOrder(150_000) });
    // 700.00 → changes
    const o4 = await seedOrder(tenant, 4, { facts: facts(70_000), decision: autoApproved });
    // another tenant's: never seen
    await seedOrder(uniqueTenant(), 5, { facts: facts(80_000), decision: autoApproved });

    const res = await invoke(simulate, {
      routeKey: SIMULATE,
      body: lowerThreshold(),
      principal: principal(tenant),
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.evaluated, 4);
    assert.equal(res.body.changed, 2);
    assert.equal(res.body.unchanged, 2);
    assert.deepEqual(
      res.body.changes.map((c: { orderId: string; orderNumber: string }) => [c.orderId, c.orderNumber]),
      [
        [o4.id, o4.number],
        [o1.id, o1.number],
      ],
    );
    assert.deepEqual(res.body.changes[0].current, { ruleId: 'default', outcome: 'auto-approve', levels: [] });
    assert.equal(res.body.changes[0].candidate.ruleId, 'medium-order');

    const two = await invoke(simulate, {
      routeKey: SIMULATE,
      body: { ...lowerThreshold(), limit: 2 },
      principal: principal(tenant),
    });
    assert.equal(two.body.evaluated, 2, 'limit takes the newest');
    assert.deepEqual(
      two.body.changes.map((c: { orderId: string }) => c.orderId),
      [o4.id],
    );
  });

  it('reports nothing for a tenant with no orders', async () => {
    const res = await invoke(simulate, {
      routeKey: SIMULATE,
      body: defaultRuleSet(),
      principal: principal(uniqueTenant()),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { evaluated: 0, changed: 0, unchanged: 0, skipped: 0, changes: [] });
  });

  it('refuses unusable candidate rules with 422 naming the rule, and bad shapes with 400', async () => {
    const admin = principal(uniqueTenant());
    const rules = [defineRule('only-new', 'Only new', { newCustomer: true }, { type: 'auto-approve' })];
    const unusable = await invoke(simulate, { routeKey: SIMULATE, body: { rules }, principal: admin });
    assert.equal(unusable.status, 422);
    assert.equal(unusable.body.type, 'urn:orderly:problem:invalid-approval-rules');
    assert.deepEqual(unusable.body.errors[0].rule, 'only-new');
    assert.equal(unusable.body.errors[0].field, 'body.rules.0.when');

    for (const limit of [0, 501, 1.5]) {
      const res = await invoke(simulate, {
        routeKey: SIMULATE,
        body: { ...defaultRuleSet(), limit },
        principal: admin,
      });
      assert.equal(res.status, 400, String(limit));
      assert.equal(res.body.errors[0].field, 'body.limit');
    }
  });

  it('is for admins only', async () => {
    for (const role of ['approver', 'sales', 'analyst'] as const) {
      const res = await invoke(simulate, {
        routeKey: SIMULATE,
        body: defaultRuleSet(),
        principal: principal(uniqueTenant(), [role]),
      });
      assert.equal(res.status, 403, role);
    }
  });
});
