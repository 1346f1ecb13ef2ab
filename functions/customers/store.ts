import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../shared/db/client';
import { collectionKey, entityKey } from '../shared/db/keys';
import { listCollection } from '../shared/db/list-collection';
import { claimUnique, releaseUnique, valueTaken } from '../shared/db/unique-values';
import { versionedUpdate, versionedUpdateItem } from '../shared/db/versioned-update';
import { WriteCancelledError, writeItems } from '../shared/db/write-items';
import { NotFoundError, PreconditionFailedError } from '../shared/http/errors';
import { type IdempotencyClaim, NO_CLAIM } from '../shared/idempotency/claim';
import { newId } from '../shared/ids';
import { Customer, type CustomerCreate, type CustomerPatch } from './schemas';

/** Customer access patterns. Each is one DynamoDB request. */
const ENTITY = 'CUSTOMER';
const COLLECTION = 'CUSTOMERS';

export const customerKey = (tenantId: string, customerId: string) => entityKey(tenantId, ENTITY, customerId);

const FIELDS = Object.keys(Customer.shape) as (keyof Customer)[];

/** The customer from its item, in schema order: keys and internal attributes never leave the store. */
function toCustomer(item: Record<string, unknown>): Customer {
  const customer: Record<string, unknown> = {};
  for (const field of FIELDS) if (item[field] !== undefined) customer[field] = item[field];
  return customer as Customer;
}

/**
 * Writes the customer, the uniqueness item of its `externalRef` and the request's idempotency
 * record all or nothing (one PutItem when there is neither). A taken `externalRef` is a 409
 * naming the customer that has it.
 */
export async function createCustomer(
  tenantId: string,
  input: CustomerCreate,
  now: string,
  claim: IdempotencyClaim = NO_CLAIM,
): Promise<Customer> {
  const customer: Customer = { ...input, id: newId(), createdAt: now, updatedAt: now, version: 1 };
  const ref = input.externalRef;
  try {
    await writeItems([
      {
        Put: {
          TableName: domainTableName(),
          Item: {
            ...customerKey(tenantId, customer.id),
            collectionPk: collectionKey(tenantId, COLLECTION),
            collectionSk: customer.id,
            entity: ENTITY,
            tenantId,
            ...customer,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(ref === undefined ? [] : [claimUnique(tenantId, 'CUSTOMER_REF', ref, customer.id)]),
      ...claim.items(customer.id),
    ]);
  } catch (error) {
    if (ref !== undefined && error instanceof WriteCancelledError && error.reasons[1])
      await refTaken(tenantId, ref);
    throw error;
  }
  return toCustomer(customer);
}

const refTaken = (tenantId: string, ref: string) => valueTaken(tenantId, 'CUSTOMER_REF', ref);

export async function getCustomer(tenantId: string, customerId: string): Promise<Customer> {
  const result = await documentClient.send(
    new GetCommand({ TableName: domainTableName(), Key: customerKey(tenantId, customerId) }),
  );
  if (!result.Item) throw new NotFoundError('Customer', customerId);
  return toCustomer(result.Item);
}

export async function listCustomers(tenantId: string, limit: number, cursor: string | undefined) {
  const page = await listCollection({
    tableName: domainTableName(),
    tenantId,
    collection: COLLECTION,
    limit,
    cursor,
  });
  return { items: page.items.map(toCustomer), nextCursor: page.nextCursor };
}

export async function updateCustomer(
  tenantId: string,
  customerId: string,
  expectedVersion: number,
  patch: CustomerPatch,
  now: string,
): Promise<Customer> {
  if (patch.externalRef !== undefined)
    return updateWithRef(tenantId, customerId, expectedVersion, patch, now);
  const item = await versionedUpdate({
    tableName: domainTableName(),
    key: customerKey(tenantId, customerId),
    resource: 'Customer',
    id: customerId,
    expectedVersion,
    patch,
    now,
  });
  return toCustomer(item);
}

/**
 * A patch that sets or removes `externalRef` moves its uniqueness item in the same transaction as
 * the customer's update: the old value is released (only if this customer owns it) and the new
 * one claimed. The version guard makes the old value read here the one being replaced.
 */
async function updateWithRef(
  tenantId: string,
  customerId: string,
  expectedVersion: number,
  patch: CustomerPatch,
  now: string,
): Promise<Customer> {
  const current = await getCustomer(tenantId, customerId);
  // 412 with the current version, exactly as the versioned update answers without a ref.
  if (current.version !== expectedVersion) throw new PreconditionFailedError(current.version);
  const before = current.externalRef;
  const after = patch.externalRef ?? undefined;
  if (before === after) {
    const { externalRef: _, ...rest } = patch;
    return Object.keys(rest).length
      ? updateCustomer(tenantId, customerId, expectedVersion, rest, now)
      : current;
  }
  const next: Customer = { ...current, ...patch, version: current.version + 1, updatedAt: now } as Customer;
  for (const [field, value] of Object.entries(patch))
    if (value === null) delete (next as Record<string, unknown>)[field];
  const items = [
    {
      Update: versionedUpdateItem({
        tableName: domainTableName(),
        key: customerKey(tenantId, customerId),
        expectedVersion,
        patch,
        now,
      }),
    },
    ...(after === undefined ? [] : [claimUnique(tenantId, 'CUSTOMER_REF', after, customerId)]),
    ...(before === undefined ? [] : [releaseUnique(tenantId, 'CUSTOMER_REF', before, customerId)]),
  ];
  try {
    await writeItems(items);
  } catch (error) {
    if (!(error instanceof WriteCancelledError)) throw error;
    if (after !== undefined && error.reasons[1]) await refTaken(tenantId, after);
    // The customer changed meanwhile: answer as the versioned update would (412 with its version).
    const latest = await getCustomer(tenantId, customerId);
    throw new PreconditionFailedError(latest.version);
  }
  return toCustomer(next);
}
