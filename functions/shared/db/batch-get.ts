import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './client';

type Key = Record<string, unknown>;

/**
 * Reads up to 100 items in one BatchGetItem, retrying what DynamoDB leaves unprocessed
 * (throttling) with a short backoff. Items come back in no particular order.
 */
export async function batchGet(
  tableName: string,
  keys: Key[],
  projection?: { expression: string; names?: Record<string, string> },
): Promise<Record<string, unknown>[]> {
  if (keys.length === 0) return [];
  if (keys.length > 100) throw new Error('batchGet reads at most 100 keys');
  const items: Record<string, unknown>[] = [];
  let pending: Key[] = keys;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) {
      if (attempt > 5) throw new Error('BatchGetItem left keys unprocessed after 5 retries');
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
    const result = await documentClient.send(
      new BatchGetCommand({
        RequestItems: {
          [tableName]: {
            Keys: pending,
            ConsistentRead: true,
            ...(projection
              ? { ProjectionExpression: projection.expression, ExpressionAttributeNames: projection.names }
              : {}),
          },
        },
      }),
    );
    items.push(...(result.Responses?.[tableName] ?? []));
    pending = (result.UnprocessedKeys?.[tableName]?.Keys as Key[] | undefined) ?? [];
  }
  return items;
}
