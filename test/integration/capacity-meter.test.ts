import assert from 'node:assert/strict';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { CAPACITY, type CapacityRecord, meterCapacity } from '../../local/capacity/meter';
import { installLocalIam } from '../../local/local-iam';
import { createTestTables } from '../support/database';

/**
 * The benchmarks' capacity meter against DynamoDB Local: the units it reports for real requests
 * are AWS's, computed from the items as they were before and after each write.
 */
const tables = await createTestTables();
const client = new DynamoDBClient({});
const documents = DynamoDBDocumentClient.from(client);
const measured: CapacityRecord[] = [];
installLocalIam(
  client,
  { [tables.domain]: 'domain', [tables.idempotency]: 'idempotency' },
  () => ({ fn: { tables: { domain: ['GetItem', 'PutItem', 'UpdateItem', 'Query'] } }, name: 'metered' }),
  (_name, _command, _ms, _error, context) => {
    const units = (context as Record<symbol, CapacityRecord | undefined>)[CAPACITY];
    if (units) measured.push(units);
  },
);
meterCapacity(client, { [tables.domain]: 'domain', [tables.idempotency]: 'idempotency' });
afterAll(async () => {
  client.destroy();
  await tables.drop();
});

const last = () => measured.at(-1) as CapacityRecord;
/** A string attribute that makes an item of the domain table `bytes` long with the given key. */
const padded = (pk: string, sk: string, bytes: number, extra: Record<string, string> = {}) => {
  const fixed =
    2 +
    pk.length +
    2 +
    sk.length +
    1 +
    Object.entries(extra).reduce((n, [k, v]) => n + k.length + v.length, 0);
  return { pk, sk, ...extra, d: 'x'.repeat(bytes - fixed) };
};

describe('the capacity meter, by AWS’s rules', () => {
  it('a 900 B Put costs 1 write unit; reading it back strongly 1 read unit, eventually half', async () => {
    await documents.send(new PutCommand({ TableName: tables.domain, Item: padded('T#m#A', 'A', 900) }));
    assert.equal(last().writeUnits, 1);
    await documents.send(
      new GetCommand({ TableName: tables.domain, Key: { pk: 'T#m#A', sk: 'A' }, ConsistentRead: true }),
    );
    assert.equal(last().readUnits, 1);
    await documents.send(
      new GetCommand({ TableName: tables.domain, Key: { pk: 'T#m#A', sk: 'A' }, ProjectionExpression: 'pk' }),
    );
    assert.equal(last().readUnits, 0.5, 'a projection does not make the read cheaper; eventual halves it');
  });

  it('five 300 B Puts in one transaction cost 10', async () => {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: Array.from({ length: 5 }, (_, i) => ({
          Put: { TableName: tables.domain, Item: padded(`T#m#T${i}`, 'T', 300) },
        })),
      }),
    );
    assert.equal(last().writeUnits, 10);
    assert.ok(last().localUnits > 0, 'DynamoDB Local’s own figure is kept beside, for comparison');
  });

  it('an update that moves an item into an ALL-projected index costs the table and the index', async () => {
    await documents.send(new PutCommand({ TableName: tables.domain, Item: padded('T#m#U', 'U', 1500) }));
    assert.equal(last().writeUnits, 2);
    await documents.send(
      new UpdateCommand({
        TableName: tables.domain,
        Key: { pk: 'T#m#U', sk: 'U' },
        UpdateExpression: 'SET statusPk = :p, statusSk = :s',
        ExpressionAttributeValues: { ':p': 'T#m#ORDERS#NEW', ':s': '01J' },
      }),
    );
    assert.equal(last().writeUnits, 2 + 2, '1.5 KB in the table, the same in ordersByStatus');
  });

  it('a refused condition still costs the item’s size', async () => {
    await assert.rejects(
      documents.send(
        new PutCommand({
          TableName: tables.domain,
          Item: padded('T#m#A', 'A', 200),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
      { name: 'ConditionalCheckFailedException' },
    );
    assert.equal(last().writeUnits, 1);
  });

  it('a Query costs the items it read, whole and before its filter, rounded up to 4 KB in all', async () => {
    for (let i = 0; i < 3; i++)
      await documents.send(
        new PutCommand({ TableName: tables.domain, Item: padded('T#m#Q', `Q${i}`, 3000) }),
      );
    await documents.send(
      new QueryCommand({
        TableName: tables.domain,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'd = :none',
        ProjectionExpression: 'pk',
        ExpressionAttributeValues: { ':pk': 'T#m#Q', ':none': 'nothing' },
        ConsistentRead: true,
      }),
    );
    assert.equal(last().readUnits, 3, '9,000 B read → 3 units, though nothing came back');
  });
});
