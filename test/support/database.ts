import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { domainTable, idempotencyTable } from '../../functions/shared/db/tables';
import { ensureTable } from '../../local/create-tables';

/**
 * Fresh tables for one test file in the DynamoDB Local that `npm test` started (its endpoint is
 * in AWS_ENDPOINT_URL_DYNAMODB). Sets the table-name variables the handlers read.
 */
export async function createTestTables(): Promise<{
  domain: string;
  idempotency: string;
  drop(): Promise<void>;
}> {
  if (!process.env.AWS_ENDPOINT_URL_DYNAMODB) {
    throw new Error(
      'Run tests with `npm test` (it starts DynamoDB Local): AWS_ENDPOINT_URL_DYNAMODB is not set',
    );
  }
  const client = new DynamoDBClient({});
  const suffix = randomUUID().slice(0, 8);
  const names = { domain: `test-domain-${suffix}`, idempotency: `test-idempotency-${suffix}` };
  await ensureTable(client, names.domain, domainTable);
  await ensureTable(client, names.idempotency, idempotencyTable);
  process.env[domainTable.envVar] = names.domain;
  process.env[idempotencyTable.envVar] = names.idempotency;
  return {
    ...names,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: names.domain }));
      await client.send(new DeleteTableCommand({ TableName: names.idempotency }));
      client.destroy();
    },
  };
}
