import assert from 'node:assert/strict';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import type { CreditSeen } from '../../functions/customers/balance-items';
import { createTestTables } from '../support/database';

/**
 * The credit condition of an approval's customer item, against DynamoDB Local: what it lets
 * through and what it refuses is decided by the database, so it is tested there.
 */
const tables = await createTestTables();
const { addApprovedOrder } = await import('../../functions/customers/balance-items');
const { customerKey } = await import('../../functions/customers/store');
const { documentClient } = await import('../../functions/shared/db/client');
const { setUpTenant, openBalanceOf } = await import('../support/orders');

afterAll(() => tables.drop());

const EUR = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

/** Commits the item alone in a transaction, as it commits with the approval: 'committed', or why not. */
async function attempt(
  t: { tenantId: string; customerId: string },
  totalMinor: number,
  seen: CreditSeen,
): Promise<string | undefined> {
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [addApprovedOrder(t.tenantId, t.customerId, EUR(totalMinor), seen)],
      }),
    );
    return 'committed';
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    return error.CancellationReasons?.[0]?.Code;
  }
}

/** true: committed; false: refused by the condition. */
async function commit(t: { tenantId: string; customerId: string }, totalMinor: number, seen: CreditSeen) {
  const outcome = await attempt(t, totalMinor, seen);
  if (outcome === 'committed') return true;
  assert.equal(outcome, 'ConditionalCheckFailed');
  return false;
}

async function setLimit(
  t: { tenantId: string; customerId: string },
  limit: { amountMinor: number; currency: string } | null,
) {
  await documentClient.send(
    new UpdateCommand({
      TableName: tables.domain,
      Key: customerKey(t.tenantId, t.customerId),
      ...(limit
        ? {
            UpdateExpression: 'SET creditLimit = :limit',
            ExpressionAttributeValues: { ':limit': limit },
          }
        : { UpdateExpression: 'REMOVE creditLimit' }),
    }),
  );
}

describe('an approval’s credit condition on the customer item', () => {
  it('lets the balance reach the limit and not one minor unit further', async () => {
    const t = await setUpTenant({ creditLimit: EUR(200_000) });
    const within = { kind: 'within-limit', creditLimitMinor: 200_000 } as const;
    for (let i = 0; i < 3; i++) assert.equal(await commit(t, 50_000, within), true);
    assert.equal(await commit(t, 50_001, within), false, '1,500.00 + 500.01 is past 2,000.00');
    assert.equal(await commit(t, 50_000, within), true, 'exactly at the limit');
    assert.equal(await commit(t, 1, within), false);
    assert.equal(await openBalanceOf(t), 200_000);
  });

  it('holds under concurrency: of 8 approvals of 500.00 on 2,000.00 at once, at most 4 commit', async () => {
    const t = await setUpTenant({ creditLimit: EUR(200_000) });
    const within = { kind: 'within-limit', creditLimitMinor: 200_000 } as const;
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => attempt(t, 50_000, within)));
    // Refused by the condition, or as a conflict with a transaction on the item at that moment.
    for (const outcome of outcomes)
      assert.ok(
        ['committed', 'ConditionalCheckFailed', 'TransactionConflict'].includes(String(outcome)),
        outcome,
      );
    const committed = outcomes.filter((o) => o === 'committed').length;
    assert.ok(committed <= 4, `${committed} committed`);
    assert.equal(await openBalanceOf(t), committed * 50_000);
  });

  it('refuses an approval decided on a limit that changed, even one that would leave room', async () => {
    const t = await setUpTenant({ creditLimit: EUR(200_000) });
    const seenOld = { kind: 'within-limit', creditLimitMinor: 200_000 } as const;
    await setLimit(t, EUR(300_000));
    assert.equal(await commit(t, 50_000, seenOld), false, 'raised: decide again on the new limit');
    await setLimit(t, EUR(100_000));
    assert.equal(await commit(t, 50_000, seenOld), false, 'lowered');
    await setLimit(t, { amountMinor: 200_000, currency: 'GBP' });
    assert.equal(await commit(t, 50_000, seenOld), false, 'moved to another currency');
    await setLimit(t, EUR(200_000));
    assert.equal(await commit(t, 50_000, seenOld), true);
  });

  it('without a limit in the facts: refused once a limit in the order’s currency is set', async () => {
    const t = await setUpTenant();
    const none = { kind: 'no-limit' } as const;
    assert.equal(await commit(t, 10_000_000, none), true, 'no limit, no ceiling');
    await setLimit(t, { amountMinor: 100, currency: 'GBP' });
    assert.equal(await commit(t, 10_000_000, none), true, 'a limit in another currency is no limit for EUR');
    await setLimit(t, EUR(200_000));
    assert.equal(await commit(t, 1, none), false, 'set meanwhile: decide again');
    await setLimit(t, null);
    assert.equal(await commit(t, 1, none), true, 'removed again');
  });

  it('past the limit (an override): only on exactly the balance it records', async () => {
    const t = await setUpTenant({ creditLimit: EUR(200_000) });
    const past = (openBalanceMinor: number) =>
      ({ kind: 'past-limit', creditLimitMinor: 200_000, openBalanceMinor }) as const;
    assert.equal(await commit(t, 150_000, { kind: 'within-limit', creditLimitMinor: 200_000 }), true);
    assert.equal(await commit(t, 150_000, past(0)), false, 'the balance is no longer 0');
    assert.equal(await commit(t, 150_000, past(150_000)), true);
    assert.equal(await openBalanceOf(t), 300_000);
    const fresh = await setUpTenant({ creditLimit: EUR(200_000) });
    assert.equal(await commit(fresh, 250_000, past(0)), true, 'no balance yet counts as 0');
  });

  it('refuses a customer that does not exist', async () => {
    const t = await setUpTenant();
    assert.equal(
      await commit({ ...t, customerId: '01JZ00000000000000000000ZZ' }, 1, { kind: 'no-limit' }),
      false,
    );
  });
});
