import { type NativeAttributeValue, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from './client';
import { decodeCursor, encodeCursor } from './cursor';

/**
 * One page of one partition of the domain table, in one `Query`: the items whose sort key meets
 * `sortKeyCondition` (on `pk = :pk`, with its own values), and a signed cursor bound to `list` and
 * the partition. It asks for one item more than the page, so the last page carries no cursor.
 */
export async function partitionPage(args: {
  /** What the cursor is for (a cursor of another list or partition is refused). */
  list: string;
  pk: string;
  sortKeyCondition: string;
  values: Record<string, unknown>;
  limit: number;
  cursor: string | undefined;
}): Promise<{ items: Record<string, NativeAttributeValue>[]; nextCursor: string | undefined }> {
  const { list, pk, limit } = args;
  const startKey = await decodeCursor(args.cursor, list, { attribute: 'pk', value: pk }, ['pk', 'sk']);
  const result = await documentClient.send(
    new QueryCommand({
      TableName: domainTableName(),
      KeyConditionExpression: `pk = :pk AND ${args.sortKeyCondition}`,
      ExpressionAttributeValues: { ':pk': pk, ...args.values },
      Limit: limit + 1,
      ExclusiveStartKey: startKey,
    }),
  );
  const found = result.Items ?? [];
  const items = found.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      found.length > limit && last ? await encodeCursor(list, { pk: last.pk, sk: last.sk }) : undefined,
  };
}
