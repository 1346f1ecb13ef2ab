import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError, PreconditionFailedError } from '../http/errors';
import { documentClient } from './client';

export interface VersionedUpdateArgs {
  tableName: string;
  key: { pk: string; sk: string };
  expectedVersion: number;
  patch: Record<string, unknown>;
  now: string;
}

/**
 * The `UpdateItem` of a JSON merge patch, guarded by the version: a field present replaces, `null`
 * removes, absent keeps; the version goes up by one. Also an item of a transaction (a patch that
 * moves a uniqueness item with it).
 */
export function versionedUpdateItem(args: VersionedUpdateArgs) {
  const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':expected': args.expectedVersion, ':one': 1, ':now': args.now };
  const sets = ['#version = #version + :one', '#updatedAt = :now'];
  const removes: string[] = [];
  Object.entries(args.patch).forEach(([field, value], i) => {
    if (value === undefined) return;
    names[`#f${i}`] = field;
    if (value === null) {
      removes.push(`#f${i}`);
    } else {
      values[`:v${i}`] = value;
      sets.push(`#f${i} = :v${i}`);
    }
  });
  return {
    TableName: args.tableName,
    Key: args.key,
    UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * Applies a JSON merge patch to one item in one `UpdateItem`, guarded by its version.
 * On a failed condition DynamoDB returns the old item, which tells 404 (none) from 412 (stale)
 * without a second request.
 */
export async function versionedUpdate(
  args: VersionedUpdateArgs & { resource: string; id: string },
): Promise<Record<string, unknown>> {
  try {
    const result = await documentClient.send(
      new UpdateCommand({
        ...versionedUpdateItem(args),
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return result.Attributes ?? {};
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      if (!error.Item) throw new NotFoundError(args.resource, args.id);
      const current = error.Item.version?.N;
      throw new PreconditionFailedError(Number(current));
    }
    throw error;
  }
}

/** The item as `versionedUpdateItem` leaves it: the patch merged (`null` removes), the version up by one. */
export function applyMergePatch(
  item: Record<string, unknown>,
  patch: Record<string, unknown>,
  now: string,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...item, version: Number(item.version) + 1, updatedAt: now };
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  return next;
}
