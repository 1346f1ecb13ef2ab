import assert from 'node:assert/strict';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import { createTestTables } from '../support/database';
import { invoke, principal } from '../support/invoke';

/**
 * Approving an order's last level where its write meets something other than a plain approval:
 * the customer gone, another approver's decision landing between the read and the write, a
 * customer item DynamoDB refuses to update, a credit override by someone the rules do not name.
 * (orders-approvals.test.ts has the approval itself and the races left to timing.)
 */
const tables = await createTestTables();
const { level, openBalanceOf, recordWorkflow, requireApproval, setUpTenant, submitOrder } = await import(
  '../support/orders'
);
const { customerKey } = await import('../../functions/customers/store');
const { approveOrder } = await import('../../functions/orders/approve-order');
const { getOrderRecord } = await import('../../functions/orders/store');
const { handler: approve } = await import('../../functions/orders/approve');
const { defaultRuleSet } = await import('../../functions/approvals/defaults');
const { putRuleSet } = await import('../../functions/approvals/store');
const { documentClient, dynamodb } = await import('../../functions/shared/db/client');

recordWorkflow();
afterAll(() => tables.drop());

const approveAs = (who: Principal, orderId: string, body: Record<string, unknown> = {}) =>
  invoke(approve, {
    routeKey: 'POST /v1/orders/{orderId}/approve',
    pathParameters: { orderId },
    body,
    principal: who,
  });

/**
 * Counts the TransactWriteItems this process sends, and runs `meanwhile` (real requests) just
 * before the first of them goes out: another request's write then lands between that
 * transaction's read and its write every time, not only when the timing happens to allow it.
 */
function watchTransactions(meanwhile?: () => Promise<unknown>) {
  const name = 'watch-transactions';
  const seen = { count: 0 };
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand' && seen.count++ === 0) await meanwhile?.();
      return next(args);
    },
    { step: 'initialize', name, override: true },
  );
  return { seen, remove: () => dynamodb.middlewareStack.remove(name) };
}

/** The order's one level is still pending, undecided; the order still waits on it. */
async function assertStillPending(tenantId: string, orderId: string) {
  const stored = await getOrderRecord(tenantId, orderId);
  assert.equal(stored.status, 'PENDING_APPROVAL');
  assert.deepEqual(
    stored.approval?.levels.map((l) => [l.level, l.status, l.decidedBy]),
    [[1, 'pending', undefined]],
  );
}

describe('approving the last level: what can stand in its way', () => {
  it('answers 409 when the order’s customer no longer exists, and decides nothing', async () => {
    const t = await setUpTenant();
    const order = await submitOrder(t);
    await requireApproval(t, order.id, [level('approver')]);
    // The API deletes no customer: the item is gone by hand (or a data fault).
    await documentClient.send(
      new DeleteCommand({ TableName: tables.domain, Key: customerKey(t.tenantId, t.customerId) }),
    );

    const res = await approveAs(principal(t.tenantId, ['approver'], 'alice'), order.id);
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.type, 'urn:orderly:problem:order-state-conflict');
    assert.equal(res.body.detail, 'The order’s customer no longer exists.');
    assert.equal(res.body.orderStatus, 'PENDING_APPROVAL');
    await assertStillPending(t.tenantId, order.id);
  });

  it('reads again when another approver decided the level between its read and its write: 409, one decision', async () => {
    const t = await setUpTenant();
    const order = await submitOrder(t);
    await requireApproval(t, order.id, [level('approver')]);
    const bob = principal(t.tenantId, ['approver'], 'bob');
    // Bob's approval commits just before Alice's transaction, which then fails its version guard.
    const watch = watchTransactions(() => approveOrder(bob, order.id, {}, new Date()));
    let res: Awaited<ReturnType<typeof approveAs>>;
    try {
      res = await approveAs(principal(t.tenantId, ['approver'], 'alice'), order.id);
    } finally {
      watch.remove();
    }

    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.type, 'urn:orderly:problem:order-state-conflict');
    assert.equal(res.body.detail, 'Level 1 was already decided (approved) by someone else.');
    assert.equal(res.body.orderStatus, 'APPROVED');
    // Bob's transaction and Alice's cancelled one; the re-read decided without writing.
    assert.equal(watch.seen.count, 2);
    const stored = await getOrderRecord(t.tenantId, order.id);
    assert.equal(stored.approval?.levels[0]?.decidedBy, 'bob');
    assert.equal(await openBalanceOf(t), order.total.amountMinor, 'the total counted once');
  });

  it('fails at once (500, nothing written) when the customer item cannot take the order: not a credit race to retry', async () => {
    const t = await setUpTenant();
    const order = await submitOrder(t);
    await requireApproval(t, order.id, [level('approver')]);
    // The customer item as large as DynamoDB's 400 KB item limit allows: adding its open balance
    // (the item has none yet) passes the limit, so the transaction is cancelled with
    // ValidationError on the customer item, a refusal no re-read and retry can change.
    const key = customerKey(t.tenantId, t.customerId);
    const pad = (length: number) =>
      documentClient.send(
        new UpdateCommand({
          TableName: tables.domain,
          Key: key,
          UpdateExpression: 'SET padding = :p',
          ExpressionAttributeValues: { ':p': 'x'.repeat(length) },
        }),
      );
    let fits = 0;
    let tooLarge = 400 * 1024;
    while (tooLarge - fits > 1) {
      const length = Math.floor((fits + tooLarge) / 2);
      try {
        await pad(length);
        fits = length;
      } catch (error) {
        if ((error as Error).name !== 'ValidationException') throw error;
        tooLarge = length;
      }
    }
    await pad(fits);

    const watch = watchTransactions();
    let res: Awaited<ReturnType<typeof approveAs>>;
    try {
      res = await approveAs(principal(t.tenantId, ['approver'], 'alice'), order.id);
    } finally {
      watch.remove();
    }
    assert.equal(res.status, 500, JSON.stringify(res.body));
    assert.equal(res.body.type, 'urn:orderly:problem:internal-error');
    assert.equal(watch.seen.count, 1, 'tried once');
    await assertStillPending(t.tenantId, order.id);
    const customer = await documentClient.send(
      new GetCommand({ TableName: tables.domain, Key: key, ConsistentRead: true }),
    );
    assert.equal(customer.Item?.openBalanceMinor, undefined);
  });

  it('names every role the rules let approve past a credit limit when refusing an override (403)', async () => {
    const t = await setUpTenant({ creditLimit: { amountMinor: 100_000, currency: 'EUR' } });
    await putRuleSet(
      t.tenantId,
      { ...defaultRuleSet(), creditOverrideRoles: ['admin', 'finance'] },
      0,
      { tenantId: t.tenantId, actor: 'root', requestId: 'test', operation: 'putApprovalRules' },
      new Date().toISOString(),
    );
    const order = await submitOrder(t);
    await requireApproval(t, order.id, [level('approver')]);

    const res = await approveAs(principal(t.tenantId, ['approver'], 'alice'), order.id, {
      creditOverride: { reason: 'agreed with finance' },
    });
    assert.equal(res.status, 403, JSON.stringify(res.body));
    assert.equal(res.body.type, 'urn:orderly:problem:forbidden');
    assert.equal(
      res.body.detail,
      "Only 'admin', 'finance' may approve past a credit limit (the approval rules’ creditOverrideRoles).",
    );
    await assertStillPending(t.tenantId, order.id);
  });
});

describe('an approval past the credit limit (an override)', () => {
  const financeMayOverride = (tenantId: string) =>
    putRuleSet(
      tenantId,
      { ...defaultRuleSet(), creditOverrideRoles: ['finance'] },
      0,
      { tenantId, actor: 'root', requestId: 'test', operation: 'putApprovalRules' },
      new Date().toISOString(),
    );

  it('is allowed to anyone holding one of the roles the rules name, among others; kept on the last level only', async () => {
    const t = await setUpTenant({ creditLimit: { amountMinor: 1_000, currency: 'EUR' } });
    await financeMayOverride(t.tenantId);
    const order = await submitOrder(t);
    await requireApproval(t, order.id, [level('approver'), level('finance')]);
    const first = await approveAs(principal(t.tenantId, ['approver'], 'alice'), order.id);
    assert.equal(first.status, 200, JSON.stringify(first.body));

    // Carol approves and is in finance: one role of hers the rules name is enough.
    const carol = principal(t.tenantId, ['approver', 'finance'], 'carol');
    const res = await approveAs(carol, order.id, { creditOverride: { reason: 'paid upfront' } });

    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'APPROVED');
    const stored = await getOrderRecord(t.tenantId, order.id);
    const [one, two] = stored.approval?.levels ?? [];
    assert.equal(one?.creditOverride, undefined, 'level 1 overrode nothing');
    assert.deepEqual(two?.creditOverride, {
      reason: 'paid upfront',
      by: 'carol',
      at: two?.decidedAt,
      needed: true,
      creditLimit: { amountMinor: 1_000, currency: 'EUR' },
      openBalance: { amountMinor: 0, currency: 'EUR' },
      orderTotal: { amountMinor: 5_000, currency: 'EUR' },
    });
    assert.equal(await openBalanceOf(t), 5_000);
  });

  it('on a customer with no limit in the order’s currency is kept as not needed, with no limit to name', async () => {
    const t = await setUpTenant();
    await financeMayOverride(t.tenantId);
    const order = await submitOrder(t);
    await requireApproval(t, order.id, [level('finance')]);

    const res = await approveAs(principal(t.tenantId, ['finance'], 'carol'), order.id, {
      creditOverride: { reason: 'just in case' },
    });

    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [only] = (await getOrderRecord(t.tenantId, order.id)).approval?.levels ?? [];
    assert.deepEqual(only?.creditOverride, {
      reason: 'just in case',
      by: 'carol',
      at: only?.decidedAt,
      needed: false,
      openBalance: { amountMinor: 0, currency: 'EUR' },
      orderTotal: { amountMinor: 5_000, currency: 'EUR' },
    });
  });
});
