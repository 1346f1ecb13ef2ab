import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { defineRule } from '../../functions/approvals/rules';
import { functions } from '../../functions/manifest';
import { currentInvocation } from '../../local/local-iam';
import { createTestTables } from '../support/database';
import { fakeContext } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/**
 * The Advance task deciding many orders of one customer at the same moment, in one process
 * against DynamoDB Local: no environment limit of the twin spaces them out, so every decision
 * races every other for the customer's credit. Each must end decided within the task's own
 * retry budget (CONTENDED_ATTEMPTS), and the open balance never pass the limit.
 */
const tables = await createTestTables();
const orders = await import('../support/orders');
const { putRuleSet } = await import('../../functions/approvals/store');
const { getOrderRecord } = await import('../../functions/orders/store');
const { CONTENDED_ATTEMPTS } = await import('../../functions/workflow/reservation');
const advance = (await import('../../functions/workflow/advance-order')).handler;

orders.recordWorkflow();
const { stats } = requestCounter(tables);
const advanceFn = functions.find((f) => f.kind === 'task' && f.name === 'advanceOrder');
assert.ok(advanceFn, 'advanceOrder is in the manifest');
const asAdvance = { fn: advanceFn, name: 'advanceOrder' };

afterAll(() => tables.drop());

const LIMIT = 200_000;

/** 8 orders of 500.00 (20 × 25.00) decided at once; their records after, and Advance's transactions. */
async function decideAtOnce(t: Awaited<ReturnType<typeof orders.setUpTenant>>) {
  const submitted = await Promise.all(
    Array.from({ length: 8 }, () => orders.submitOrder(t, [{ sku: 'WIDGET', quantity: 20 }])),
  );
  stats.reset();
  const steps = await Promise.all(
    submitted.map((order) =>
      currentInvocation.run(asAdvance, () =>
        advance({ tenantId: t.tenantId, orderId: order.id }, fakeContext()),
      ),
    ),
  );
  const transactions = stats.snapshot().find((s) => s.function === 'advanceOrder')
    ?.byCommand.TransactWriteItemsCommand;
  const records = await Promise.all(submitted.map((o) => getOrderRecord(t.tenantId, o.id)));
  return { steps, records, transactions: Number(transactions) };
}

describe('Advance: concurrent decisions for one customer’s credit', () => {
  for (const variant of ['default rules', 'no credit rule'] as const) {
    it(`${variant}: 8 × 500.00 on 2,000.00 at once, 3 rounds: 4 approved each time, within the task’s retry budget`, async () => {
      for (let round = 0; round < 3; round++) {
        const t = await orders.setUpTenant({ creditLimit: { amountMinor: LIMIT, currency: 'EUR' } });
        if (variant === 'no credit rule') {
          const rules = [defineRule('default', 'Everything', {}, { type: 'auto-approve' })];
          const context = {
            tenantId: t.tenantId,
            actor: 'admin',
            requestId: 'test',
            operation: 'putApprovalRules',
          };
          await putRuleSet(t.tenantId, { rules }, 0, context, new Date().toISOString());
        }
        // Every task returned a step: none ran out of CONTENDED_ATTEMPTS (that throws TransientError).
        const { steps, records, transactions } = await decideAtOnce(t);
        assert.equal(steps.length, 8);
        const approved = records.filter((r) => r.status === 'STOCK_RESERVED');
        const rejected = records.filter((r) => r.status === 'REJECTED');
        assert.equal(approved.length, 4, JSON.stringify(records.map((r) => r.status)));
        assert.equal(rejected.length, 4);
        const ruleId = variant === 'default rules' ? 'over-credit-limit' : 'credit-guard';
        for (const r of rejected) assert.equal(r.approval?.decision?.ruleId, ruleId);
        const sum = approved.reduce((s, r) => s + r.total.amountMinor, 0);
        assert.ok(sum <= LIMIT);
        assert.equal(await orders.openBalanceOf(t), sum);
        // 8 decisions and 4 reservations commit; every other transaction was a lost race, retried.
        const retries = transactions - 12;
        assert.ok(retries >= 0 && retries < 8 * CONTENDED_ATTEMPTS);
        console.log(`${variant}, round ${round}: ${transactions} transactions, ${retries} retried`);
      }
    });
  }
});
