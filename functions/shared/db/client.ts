import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One client per execution environment, reused across invocations. The endpoint comes from
 * the SDK's own configuration (`AWS_ENDPOINT_URL_DYNAMODB`), which the local twin sets: the
 * handlers cannot tell DynamoDB Local from DynamoDB.
 */
export const dynamodb = new DynamoDBClient({});

export const documentClient = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true },
});

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

/** Table names are given by the stack (or the twin) as environment variables. */
export const domainTableName = () => requiredEnv('DOMAIN_TABLE_NAME');
export const idempotencyTableName = () => requiredEnv('IDEMPOTENCY_TABLE_NAME');
