import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type Projection,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { IndexProjection, TableDefinition } from '../functions/shared/db/tables';

/**
 * Creates a table from the same definition the CDK stack deploys (keys, indexes, stream, TTL).
 * A table that exists keeps its data (a second `npm start`) and gets the indexes the definition
 * added since it was created, as a deployment would add them to the table in AWS.
 */
export async function ensureTable(
  client: DynamoDBClient,
  name: string,
  table: TableDefinition,
): Promise<void> {
  try {
    const existing = await client.send(new DescribeTableCommand({ TableName: name }));
    await addMissingIndexes(client, name, table, existing.Table?.GlobalSecondaryIndexes ?? []);
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const attributes = new Set<string>([table.partitionKey]);
  if (table.sortKey) attributes.add(table.sortKey);
  for (const index of table.indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map(
        (attribute): AttributeDefinition => ({ AttributeName: attribute, AttributeType: 'S' }),
      ),
      KeySchema: [
        { AttributeName: table.partitionKey, KeyType: 'HASH' },
        ...(table.sortKey ? [{ AttributeName: table.sortKey, KeyType: 'RANGE' as const }] : []),
      ],
      GlobalSecondaryIndexes: table.indexes.length
        ? table.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
              { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
            ],
            Projection: projectionOf(index.projection),
          }))
        : undefined,
      StreamSpecification: table.stream
        ? { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' }
        : undefined,
    }),
  );
  if (table.timeToLiveAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { Enabled: true, AttributeName: table.timeToLiveAttribute },
      }),
    );
  }
}

/**
 * One UpdateTable per index, as DynamoDB asks, each waited for until it is ACTIVE (backfilled from
 * the items there): a Query on an index still being built fails.
 */
async function addMissingIndexes(
  client: DynamoDBClient,
  name: string,
  table: TableDefinition,
  existing: readonly { IndexName?: string }[],
): Promise<void> {
  const have = new Set(existing.map((index) => index.IndexName));
  for (const index of table.indexes.filter((i) => !have.has(i.name))) {
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: [index.partitionKey, index.sortKey].map((attribute) => ({
          AttributeName: attribute,
          AttributeType: 'S' as const,
        })),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.name,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: projectionOf(index.projection),
            },
          },
        ],
      }),
    );
    await untilIndexActive(client, name, index.name);
  }
}

async function untilIndexActive(client: DynamoDBClient, table: string, index: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const described = await client.send(new DescribeTableCommand({ TableName: table }));
    const status = described.Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === index)?.IndexStatus;
    if (status === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Index ${index} of ${table} did not become ACTIVE within a minute`);
}

function projectionOf(projection: IndexProjection): Projection {
  if (projection === 'ALL' || projection === 'KEYS_ONLY') return { ProjectionType: projection };
  return { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection.include] };
}
