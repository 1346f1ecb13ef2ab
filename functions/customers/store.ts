import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditContext, auditedUpdate } from '../audit/audited-update';
import { documentClient, domainTableName } from '../shared/db/client';
import { collectionKey } from '../shared/db/keys';
import { listCollection } from '../shared/db/list-collection';
import type { TransactItem } from '../shared/db/transact-item';
import { claimUnique, releaseUnique, valueTaken } from '../shared/db/unique-values';
import { WriteCancelledError, writeItems } from '../shared/db/write-items';
import { NotFoundError } from '../shared/http/errors';
import { type IdempotencyClaim, NO_CLAIM } from '../shared/idempotency/claim';
import { newId } from '../shared/ids';
import {
  CUSTOMER_ENTITY,
  CUSTOMERS_COLLECTION,
  countryAttributes,
  customerKey,
  tagEntry,
  tagKeys,
} from './keys';
import { Customer, type CustomerCreate, type CustomerPatch } from './schemas';

/** Customer access patterns (the filtered lists: `list-store.ts`). */
const ENTITY = CUSTOMER_ENTITY;
const COLLECTION = CUSTOMERS_COLLECTION;

export { customerKey };

/** What approval rules read of a customer: audited when it changes. */
const CUSTOMER_TERMS = ['creditLimit'] as const;

const FIELDS = Object.keys(Customer.shape) as (keyof Customer)[];

/** The customer from its item, in schema order: keys and internal attributes never leave the store. */
export function toCustomer(item: Record<string, unknown>): Customer {
  const customer: Record<string, unknown> = {};
  for (const field of FIELDS) if (item[field] !== undefined) customer[field] = item[field];
  return customer as Customer;
}

/**
 * Writes the customer (in its country's index when it has an address), the uniqueness item of its
 * `externalRef`, an entry per tag and the request's idempotency record all or nothing (one
 * PutItem when there is none of them). A taken `externalRef` is a 409 naming the customer that
 * has it.
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
            ...(input.address ? countryAttributes(tenantId, customer.id, input.address.country) : {}),
            entity: ENTITY,
            tenantId,
            ...customer,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      // The claim of the ref comes right after the customer (index 1): its failure is a 409.
      ...(ref === undefined ? [] : [claimUnique(tenantId, 'CUSTOMER_REF', ref, customer.id)]),
      ...tagKeys(input.tags).map((key) => putEntry(tagEntry(tenantId, customer.id, key))),
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

const putEntry = (item: Record<string, unknown>): TransactItem => ({
  Put: { TableName: domainTableName(), Item: item },
});

/**
 * A merge patch guarded by the version. A change of the credit limit (a commercial term) is
 * audited in the same transaction and leaves on the customer who changed it when; a patch that
 * sets or removes `externalRef` moves its uniqueness item in the same transaction too: the old
 * value is released (only if this customer owns it) and the new one claimed; a patch of `tags`
 * deletes the entries of the tags it drops and puts those of the tags it adds, in that
 * transaction too. A new address moves the customer in the country index in the update itself.
 * Anything else is one UpdateItem.
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
  const tags = patch.tags;
  let claiming = false;
  const item = await auditedUpdate({
    tableName: domainTableName(),
    key: customerKey(tenantId, customerId),
    resource: 'Customer',
    id: customerId,
    auditResource: `customer/${customerId}`,
    expectedVersion,
    patch: {
      ...patch,
      ...(patch.address === undefined
        ? {}
        : countryAttributes(tenantId, customerId, patch.address?.country ?? null)),
    },
    now,
    context,
    audited: CUSTOMER_TERMS,
    tracking: () => ({ creditLimitChangedAt: now, creditLimitChangedBy: context.actor }),
    ...(ref === undefined && tags === undefined
      ? {}
      : {
          also: (current) => {
            const refItems =
              ref === undefined
                ? []
                : refMove(tenantId, customerId, current.externalRef as string | undefined, ref);
            claiming = ref !== undefined && ref !== null && refItems.length > 0;
            const tagItems =
              tags === undefined
                ? []
                : tagMove(tenantId, customerId, current.tags as string[] | undefined, tags);
            return [...refItems, ...tagItems];
          },
          // The claim of the new value comes right after the update (index 1).
          onCancelled: async (reasons) => {
            if (claiming && ref && reasons[1]) await refTaken(tenantId, ref);
          },
        }),
  });
  return toCustomer(item);
}

/** The tag entries a change of tags moves: delete those of dropped tags, put those of new ones. */
function tagMove(tenantId: string, customerId: string, before: string[] | undefined, after: string[] | null) {
  const had = tagKeys(before);
  const has = tagKeys(after ?? undefined);
  return [
    ...had
      .filter((key) => !has.includes(key))
      .map(
        (key): TransactItem => ({
          Delete: {
            TableName: domainTableName(),
            Key: { pk: customerKey(tenantId, customerId).pk, sk: tagEntry(tenantId, customerId, key).sk },
          },
        }),
      ),
    ...has.filter((key) => !had.includes(key)).map((key) => putEntry(tagEntry(tenantId, customerId, key))),
  ];
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
