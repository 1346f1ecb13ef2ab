import type { TestProject } from 'vitest/node';
import { type RunningDynamoDb, startDynamoDbLocal } from '../../local/dynamodb-local';

/**
 * One in-memory DynamoDB Local for the whole run, started before any test file and stopped
 * after the last. Test files create their own uniquely named tables in it.
 */
let dynamo: RunningDynamoDb | undefined;

export async function setup(project: TestProject): Promise<void> {
  dynamo ??= await startDynamoDbLocal();
  project.provide('dynamoDbEndpoint', dynamo.endpoint);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
  dynamo = undefined;
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
  }
}
