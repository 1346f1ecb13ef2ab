import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../shared/db/client';
import { collectionKey, entityKey } from '../shared/db/keys';
import { listCollection } from '../shared/db/list-collection';
import { versionedUpdate } from '../shared/db/versioned-update';
import { NotFoundError } from '../shared/http/errors';
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

export async function createCustomer(
  tenantId: string,
  input: CustomerCreate,
  now: string,
): Promise<Customer> {
  const customer: Customer = { ...input, id: newId(), createdAt: now, updatedAt: now, version: 1 };
  await documentClient.send(
    new PutCommand({
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
    }),
  );
  return toCustomer(customer);
}

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
