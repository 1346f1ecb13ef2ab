import assert from 'node:assert/strict';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { auditRecordsOf } from '../support/audit-records';
import { createTestTables } from '../support/database';
import { uniqueTenant } from '../support/invoke';

/**
 * The audited writes' answers when their transaction fails, made to fail on purpose: the API's
 * tests reach these paths only when two requests race, which a test cannot time.
 */
const tables = await createTestTables();
afterAll(() => tables.drop());
const { auditedUpdate } = await import('../../functions/audit/audited-update');
const { replaceAuditedSetting } = await import('../../functions/audit/audited-setting');
const { documentClient } = await import('../../functions/shared/db/client');
const { PreconditionFailedError } = await import('../../functions/shared/http/errors');

const context = (tenantId: string) => ({ tenantId, actor: 'ada', requestId: 'r-1', operation: 'test' });
const isPreconditionFailed = (version: number) => (error: unknown) =>
  error instanceof PreconditionFailedError && error.detail.includes(`(${version})`);

/** Runs `body` with the audit table's name pointing nowhere: every audit Put fails as no cancellation does. */
async function withoutAuditTable<T>(body: () => Promise<T>): Promise<T> {
  const real = process.env.AUDIT_TABLE_NAME;
  process.env.AUDIT_TABLE_NAME = 'no-such-table';
  try {
    return await body();
  } finally {
    process.env.AUDIT_TABLE_NAME = real;
  }
}

describe('auditedUpdate, when its transaction fails', () => {
  const item = async (tenantId: string) => {
    const key = { pk: `T#${tenantId}#THING#1`, sk: 'THING' };
    await documentClient.send(
      new PutCommand({ TableName: tables.domain, Item: { ...key, price: 10, version: 1 } }),
    );
    return key;
  };
  const update = (tenantId: string, key: { pk: string; sk: string }, extra = {}) =>
    auditedUpdate({
      tableName: tables.domain,
      key,
      resource: 'Thing',
      id: '1',
      auditResource: 'thing/1',
      expectedVersion: 1,
      patch: { price: 5 },
      now: new Date().toISOString(),
      context: context(tenantId),
      audited: ['price'],
      ...extra,
    });

  it('tells the caller which item failed, then answers 412 with the version now stored, and writes nothing', async () => {
    const tenantId = uniqueTenant();
    const key = await item(tenantId);
    const told: (string | undefined)[][] = [];
    const missing = { pk: `T#${tenantId}#NONE`, sk: 'NONE' };
    await assert.rejects(
      update(tenantId, key, {
        also: () => [
          {
            ConditionCheck: {
              TableName: tables.domain,
              Key: missing,
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
        ],
        onCancelled: async (reasons: (string | undefined)[]) => {
          told.push([...reasons]);
        },
      }),
      isPreconditionFailed(1),
    );
    assert.deepEqual(told, [[undefined, 'ConditionalCheckFailed', undefined]]);
    assert.deepEqual(await auditRecordsOf(tenantId, 'thing/1'), []);
  });

  it('passes on an error that is no cancellation', async () => {
    const tenantId = uniqueTenant();
    const key = await item(tenantId);
    await assert.rejects(
      withoutAuditTable(() => update(tenantId, key)),
      (error: Error) => error.name === 'ResourceNotFoundException',
    );
  });
});

describe('replaceAuditedSetting, when its transaction fails', () => {
  const replace = (tenantId: string, expectedVersion: number) =>
    replaceAuditedSetting({
      key: { pk: `T#${tenantId}#SETTINGS#test`, sk: 'SETTINGS' },
      entity: 'SETTINGS',
      expectedVersion,
      before: { level: 1 },
      after: { level: expectedVersion + 2 },
      audited: ['level'],
      auditResource: 'settings/test',
      fields: { level: expectedVersion + 2 },
      context: context(tenantId),
      now: new Date().toISOString(),
    });

  it('answers a save that lost the race 412 with the version now stored, and writes no record for it', async () => {
    const tenantId = uniqueTenant();
    assert.equal(await replace(tenantId, 0), 1);
    // Another save of version 0 after the first committed: the item exists now.
    await assert.rejects(replace(tenantId, 0), isPreconditionFailed(1));
    assert.equal(await replace(tenantId, 1), 2);
    await assert.rejects(replace(tenantId, 1), isPreconditionFailed(2));
    assert.equal(
      (await auditRecordsOf(tenantId, 'settings/test')).length,
      2,
      'one record per save that committed',
    );
  });

  it('passes on an error that is no lost race', async () => {
    const tenantId = uniqueTenant();
    await assert.rejects(
      withoutAuditTable(() => replace(tenantId, 0)),
      (error: Error) => error.name === 'ResourceNotFoundException',
    );
  });
});
