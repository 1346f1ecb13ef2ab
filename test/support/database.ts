import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { type TableDefinition, tables } from '../../functions/shared/db/tables';
import { ensureTable } from '../../local/create-tables';

type TableNames = Record<TableDefinition['id'], string>;

/**
 * Fresh tables (every table of the stack) for one test file in the DynamoDB Local that `npm test`
 * started (its endpoint is in AWS_ENDPOINT_URL_DYNAMODB). Sets the table-name variables the
 * handlers read.
 */
export async function createTestTables(): Promise<TableNames & { drop(): Promise<void> }> {
  if (!process.env.AWS_ENDPOINT_URL_DYNAMODB) {
    throw new Error(
      'Run tests with `npm test` (it starts DynamoDB Local): AWS_ENDPOINT_URL_DYNAMODB is not set',
    );
  }
  const client = new DynamoDBClient({});
  const suffix = randomUUID().slice(0, 8);
  const names = Object.fromEntries(
    tables.map((table) => [table.id, `test-${table.id}-${suffix}`]),
  ) as TableNames;
  for (const table of tables) {
    await ensureTable(client, names[table.id], table);
    process.env[table.envVar] = names[table.id];
  }
  return {
    ...names,
    drop: async () => {
      for (const table of tables) await client.send(new DeleteTableCommand({ TableName: names[table.id] }));
      client.destroy();
    },
  };
}

/** Items in `tables`, by strongly consistent COUNT scans: how tests show a refused request wrote nothing. */
export async function countItems(client: DynamoDBClient, tables: readonly string[]): Promise<number> {
  let total = 0;
  for (const table of tables) {
    let start: Record<string, never> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: table,
          Select: 'COUNT',
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey as typeof start;
    } while (start);
  }
  return total;
}
