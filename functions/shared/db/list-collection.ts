import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { collectionKey } from './keys';

/** A page's last item on `byTenantCollection`: the table's key and the index's, as LastEvaluatedKey holds them. */
const START_KEY = ['pk', 'sk', 'collectionPk', 'collectionSk'] as const;

/**
 * One page of a tenant's collection on the `byTenantCollection` index, in one `Query`.
 * It asks for one item more than the page so the last page carries no cursor.
 */
export async function listCollection(args: {
  tableName: string;
  tenantId: string;
  collection: string;
  limit: number;
  cursor: string | undefined;
}): Promise<{ items: Record<string, unknown>[]; nextCursor: string | undefined }> {
  const partition = collectionKey(args.tenantId, args.collection);
  const startKey = await decodeCursor(
    args.cursor,
    args.collection,
    { attribute: 'collectionPk', value: partition },
    START_KEY,
  );
  const result = await documentClient.send(
    new QueryCommand({
      TableName: args.tableName,
      IndexName: 'byTenantCollection',
      KeyConditionExpression: 'collectionPk = :p',
      ExpressionAttributeValues: { ':p': partition },
      ExclusiveStartKey: startKey,
      Limit: args.limit + 1,
    }),
  );
  const found = result.Items ?? [];
  const items = found.slice(0, args.limit);
  const last = items.at(-1);
  const more = found.length > args.limit;
  const nextCursor =
    more && last
      ? await encodeCursor(args.collection, Object.fromEntries(START_KEY.map((name) => [name, last[name]])))
      : undefined;
  return { items, nextCursor };
}
