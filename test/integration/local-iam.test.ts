import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import type { FunctionSpec } from '../../functions/manifest';
import { health } from '../../functions/system/operations';
import type { DynamoRecord } from '../../local/lambda/runtime';
import { actionsOf } from '../../local/local-iam';
import { createTestTables } from '../support/database';
import { createTestRuntime } from '../support/lambda';

/**
 * Local IAM inside the twin's Lambda environments: a fixture handler that writes although its
 * (test) manifest entry grants only GetItem runs in a real environment and is refused there.
 */
const tables = await createTestTables();
const { documentClient } = await import('../../functions/shared/db/client');
const runtime = createTestRuntime(tables, 'SILENT');
const requests: DynamoRecord[] = [];
runtime.observers.dynamo.add((record) => requests.push(record));

const spec = (operationId: string, grants: FunctionSpec['tables']): FunctionSpec => ({
  kind: 'http',
  entry: 'test/fixtures/writes-without-grant.ts',
  operation: { ...health, operationId },
  tables: grants,
  memoryMb: 1024,
  timeoutSeconds: 10,
});

describe('local IAM enforces the manifest’s table access', () => {
  afterAll(async () => {
    await runtime.stop();
    await tables.drop();
  });

  it('refuses a request the manifest does not grant, as IAM would', async () => {
    await assert.rejects(runtime.invoke(spec('readsOnly', { domain: ['GetItem'] }), {}), (error: Error) => {
      assert.equal(error.name, 'AccessDeniedException');
      assert.match(error.message, /local\/readsOnly is not authorized to perform: dynamodb:PutItem/);
      return true;
    });
  });

  it('lets the granted request through and reports it', async () => {
    requests.length = 0;
    await runtime.invoke(spec('writes', { domain: ['PutItem'] }), {});
    const written = await documentClient.send(
      new GetCommand({ TableName: tables.domain, Key: { pk: 'T#iam#X', sk: 'X' } }),
    );
    assert.ok(written.Item);
    assert.deepEqual(
      requests.map((r) => [r.functionName, r.command, r.failed]),
      [['writes', 'PutItemCommand', undefined]],
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
