import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, ExternalRefTakenError } from '../http/errors';
import { documentClient, domainTableName } from './client';
import { entityKey } from './keys';
import { settled } from './settled';
import type { TransactItem } from './transact-item';

/**
 * Natural keys (a customer's or an order's `externalRef`, an order's number): an item per
 * value, keyed by it and holding the id of the resource that owns it. Written in the same
 * transaction as the resource with `attribute_not_exists(pk)`, its existence is what makes the
 * value taken within the tenant; reading it is how the resource is found by that value.
 */
export type UniqueKind = 'CUSTOMER_REF' | 'ORDER_REF' | 'ORDER_NUMBER' | 'NEED_REF';

const ENTITY = 'UNIQUE';

export const uniqueKey = (tenantId: string, kind: UniqueKind, value: string) =>
  entityKey(tenantId, `${kind}`, value, ENTITY);

export const claimUnique = (
  tenantId: string,
  kind: UniqueKind,
  value: string,
  resourceId: string,
): TransactItem => ({
  Put: {
    TableName: domainTableName(),
    Item: { ...uniqueKey(tenantId, kind, value), entity: ENTITY, tenantId, kind, value, resourceId },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/** Frees a value, only if this resource still owns it. */
export const releaseUnique = (
  tenantId: string,
  kind: UniqueKind,
  value: string,
  resourceId: string,
): TransactItem => ({
  Delete: {
    TableName: domainTableName(),
    Key: uniqueKey(tenantId, kind, value),
    ConditionExpression: 'resourceId = :id',
    ExpressionAttributeValues: { ':id': resourceId },
  },
});

/** The id of the resource that owns the value, if any. One GetItem. */
export async function ownerOf(
  tenantId: string,
  kind: UniqueKind,
  value: string,
): Promise<string | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: uniqueKey(tenantId, kind, value),
      ConsistentRead: true,
    }),
  );
  return Item?.resourceId as string | undefined;
}

/**
 * After a write that claimed a value was refused on the value's item: the 409 naming the
 * resource that has it (read until the competing transaction has committed), or, if that
 * transaction never committed, a 409 asking to retry.
 */
export async function valueTaken(
  tenantId: string,
  kind: Extract<UniqueKind, 'CUSTOMER_REF' | 'ORDER_REF'>,
  value: string,
): Promise<never> {
  const owner = await settled(() => ownerOf(tenantId, kind, value));
  if (owner) throw new ExternalRefTakenError(kind === 'CUSTOMER_REF' ? 'Customer' : 'Order', owner);
  throw new ConflictError(
    'external-ref-contended',
    'The externalRef is being written by another request',
    'Another request is creating a resource with this externalRef right now; retry shortly.',
  );
}
