import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from './client';

/** A tenant setting's item and its version fields; version 0 and no item when never saved. */
export interface SettingRead {
  item?: Record<string, unknown>;
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

/**
 * Reads a tenant setting (one item per tenant, replaced whole: approval rules, partner routing).
 * One GetItem; `consistentRead` for an admin's read-modify-write, the cheaper read otherwise.
 */
export async function readSetting(
  key: { pk: string; sk: string },
  options: { consistentRead?: boolean } = {},
): Promise<SettingRead> {
  const result = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: key,
      ConsistentRead: options.consistentRead ?? false,
    }),
  );
  const item = result.Item;
  if (!item) return { version: 0 };
  return {
    item,
    version: item.version as number,
    ...(item.updatedAt === undefined ? {} : { updatedAt: item.updatedAt as string }),
    ...(item.updatedBy === undefined ? {} : { updatedBy: item.updatedBy as string }),
  };
}
