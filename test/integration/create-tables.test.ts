import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { domainTable } from '../../functions/shared/db/tables';
import { ensureTable } from '../../local/create-tables';
import { startDynamoDbLocal } from '../../local/dynamodb-local';

/**
 * `npm start` on a `.data/` an older version made: its own DynamoDB Local on a data directory,
 * stopped and started again between the two versions, as a developer's twin is. (The shared
 * DynamoDB Local of the suite, busy with every other file's tables, can take minutes to build an
 * index: this one holds only this table.)
 */
const dataDir = mkdtempSync(join(tmpdir(), 'orderly-upgrade-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const clientOf = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

describe('ensureTable on a table made by an older version', () => {
  it('keeps its items and adds the indexes defined since, filled from them', async () => {
    const [added, ...older] = [...domainTable.indexes].reverse();
    assert.ok(added);
    const name = 'upgrade-domain';
    const item = { pk: 'T#t#X#1', sk: 'X', [added.partitionKey]: 'P', [added.sortKey]: 'S' };

    const before = await startDynamoDbLocal({ dataDir });
    const oldClient = clientOf(before.endpoint);
    await ensureTable(oldClient, name, { ...domainTable, indexes: older.reverse() });
    await DynamoDBDocumentClient.from(oldClient).send(new PutCommand({ TableName: name, Item: item }));
    oldClient.destroy();
    await before.stop();

    const after = await startDynamoDbLocal({ dataDir });
    const client = clientOf(after.endpoint);
    try {
      await ensureTable(client, name, domainTable);
      const described = await client.send(new DescribeTableCommand({ TableName: name }));
      assert.deepEqual(
        described.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort(),
        domainTable.indexes.map((index) => index.name).sort(),
      );
      const found = await DynamoDBDocumentClient.from(client).send(
        new QueryCommand({
          TableName: name,
          IndexName: added.name,
          KeyConditionExpression: '#p = :p',
          ExpressionAttributeNames: { '#p': added.partitionKey },
          ExpressionAttributeValues: { ':p': 'P' },
        }),
      );
      assert.deepEqual(
        found.Items?.map((i) => i.pk),
        ['T#t#X#1'],
      );
      // A second start changes nothing.
      await ensureTable(client, name, domainTable);
    } finally {
      client.destroy();
      await after.stop();
    }
  }, 120_000);
});
