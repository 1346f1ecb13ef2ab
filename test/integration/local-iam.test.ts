import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { FunctionSpec } from '../../functions/manifest';
import { health } from '../../functions/system/operations';
import { createLambdaRuntime } from '../../local/lambda-runtime';
import { actionsOf, installLocalIam } from '../../local/local-iam';
import { TwinStats } from '../../local/stats';
import { createTestTables } from '../support/database';

const tables = await createTestTables();
const { dynamodb, documentClient } = await import('../../functions/shared/db/client');
const stats = new TwinStats();
installLocalIam(dynamodb, { [tables.domain]: 'domain', [tables.idempotency]: 'idempotency' }, stats);
const runtime = createLambdaRuntime(fileURLToPath(new URL('../..', import.meta.url)));

const spec = (grants: FunctionSpec['tables']): FunctionSpec => ({
  kind: 'http',
  entry: 'test/fixtures/writes-without-grant.ts',
  operation: { ...health, operationId: 'writesWithoutGrant' },
  tables: grants,
  memoryMb: 1024,
  timeoutSeconds: 10,
});

describe('local IAM enforces the manifest’s table access', () => {
  afterAll(() => tables.drop());

  it('refuses a request the manifest does not grant, as IAM would', async () => {
    await assert.rejects(runtime.invoke(spec({ domain: ['GetItem'] }), {}), (error: Error) => {
      assert.equal(error.name, 'AccessDeniedException');
      assert.match(error.message, /dynamodb:PutItem/);
      return true;
    });
  });

  it('lets the granted request through and counts it', async () => {
    stats.reset();
    await runtime.invoke(spec({ domain: ['PutItem'] }), {});
    const written = await documentClient.send(
      new GetCommand({ TableName: tables.domain, Key: { pk: 'T#iam#X', sk: 'X' } }),
    );
    assert.ok(written.Item);
    assert.deepEqual(
      stats.snapshot().map((s) => [s.function, s.dynamoRequests, s.byCommand]),
      [['writesWithoutGrant', 1, { PutItemCommand: 1 }]],
    );
  });

  it('derives the actions a transaction needs, per item', () => {
    assert.deepEqual(
      actionsOf('TransactWriteItemsCommand', {
        TransactItems: [
          { Put: { TableName: 'd' } },
          { Update: { TableName: 'd' } },
          { ConditionCheck: { TableName: 'i' } },
        ],
      }),
      [
        { table: 'd', action: 'PutItem' },
        { table: 'd', action: 'UpdateItem' },
        { table: 'i', action: 'ConditionCheckItem' },
      ],
    );
    assert.deepEqual(actionsOf('ScanCommand', { TableName: 'd' }), [{ table: 'd', action: 'Scan' }]);
  });
});
