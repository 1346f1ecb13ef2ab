import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditContext, auditedUpdate } from '../audit/audited-update';
import { documentClient, domainTableName } from '../shared/db/client';
import { collectionKey, entityKey } from '../shared/db/keys';
import { listCollection } from '../shared/db/list-collection';
import { claimUnique, releaseUnique, valueTaken } from '../shared/db/unique-values';
import { WriteCancelledError, writeItems } from '../shared/db/write-items';
import { NotFoundError } from '../shared/http/errors';
import { type IdempotencyClaim, NO_CLAIM } from '../shared/idempotency/claim';
import { newId } from '../shared/ids';
import { Customer, type CustomerCreate, type CustomerPatch } from './schemas';

/** Customer access patterns. Each is one DynamoDB request. */
const ENTITY = 'CUSTOMER';
const COLLECTION = 'CUSTOMERS';

export const customerKey = (tenantId: string, customerId: string) => entityKey(tenantId, ENTITY, customerId);

/** What approval rules read of a customer: audited when it changes. */
const CUSTOMER_TERMS = ['creditLimit'] as const;

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

/**
 * A merge patch guarded by the version. A change of the credit limit (a commercial term) is
 * audited in the same transaction and leaves on the customer who changed it when; a patch that
 * sets or removes `externalRef` moves its uniqueness item in the same transaction too: the old
 * value is released (only if this customer owns it) and the new one claimed. Anything else is one
 * UpdateItem.
 */
export async function updateCustomer(
  tenantId: string,
  customerId: string,
  expectedVersion: number,
  patch: CustomerPatch,
  now: string,
  context: AuditContext,
): Promise<Customer> {
  const ref = patch.externalRef;
  let claiming = false;
  const item = await auditedUpdate({
    tableName: domainTableName(),
    key: customerKey(tenantId, customerId),
    resource: 'Customer',
    id: customerId,
    auditResource: `customer/${customerId}`,
    expectedVersion,
    patch,
    now,
    context,
    audited: CUSTOMER_TERMS,
    tracking: () => ({ creditLimitChangedAt: now, creditLimitChangedBy: context.actor }),
    ...(ref === undefined
      ? {}
      : {
          also: (current) => {
            const items = refMove(tenantId, customerId, current.externalRef as string | undefined, ref);
            claiming = ref !== null && items.length > 0;
            return items;
          },
          // The claim of the new value comes right after the update (index 1).
          onCancelled: async (reasons) => {
            if (claiming && ref !== null && reasons[1]) await refTaken(tenantId, ref);
          },
        }),
  });
  return toCustomer(item);
}

/** The uniqueness items an `externalRef` change moves: claim the new value, release the old. */
function refMove(tenantId: string, customerId: string, before: string | undefined, after: string | null) {
  const next = after ?? undefined;
  if (before === next) return [];
  return [
    ...(next === undefined ? [] : [claimUnique(tenantId, 'CUSTOMER_REF', next, customerId)]),
    ...(before === undefined ? [] : [releaseUnique(tenantId, 'CUSTOMER_REF', before, customerId)]),
  ];
}
