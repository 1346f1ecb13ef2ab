import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../shared/db/batch-get';
import { documentClient, domainTableName } from '../shared/db/client';
import { decodeCursor, encodeCursor } from '../shared/db/cursor';
import { listCollection } from '../shared/db/list-collection';
import { countryPartition, customerKey, tagCollection, tagKey } from './keys';
import type { Customer } from './schemas';
import { listCustomers, toCustomer } from './store';

type Page = { items: Customer[]; nextCursor: string | undefined };

/** `GET /v1/customers`: all customers, or those of one country, or those with one tag; oldest first. */
export function listCustomerPage(
  tenantId: string,
  query: { limit: number; cursor?: string; country?: string; tag?: string },
): Promise<Page> {
  if (query.country !== undefined) return byCountry(tenantId, query.country, query.limit, query.cursor);
  if (query.tag !== undefined) return byTag(tenantId, query.tag, query.limit, query.cursor);
  return listCustomers(tenantId, query.limit, query.cursor);
}

const COUNTRY_START_KEY = ['pk', 'sk', 'countryPk', 'countrySk'] as const;

/**
 * One Query of the country's partition of `customersByCountry`, which holds the customers whose
 * primary address is there (it projects the customer's own fields only, so the balance that every
 * approval moves on the customer item never writes it). One customer more than the page is asked
 * for, so the last page carries no cursor.
 */
async function byCountry(tenantId: string, country: string, limit: number, cursor?: string): Promise<Page> {
  const partition = countryPartition(tenantId, country);
  const list = `CUSTOMERS#COUNTRY#${country}`;
  const startKey = await decodeCursor(
    cursor,
    list,
    { attribute: 'countryPk', value: partition },
    COUNTRY_START_KEY,
  );
  const result = await documentClient.send(
    new QueryCommand({
      TableName: domainTableName(),
      IndexName: 'customersByCountry',
      KeyConditionExpression: 'countryPk = :p',
      ExpressionAttributeValues: { ':p': partition },
      ExclusiveStartKey: startKey,
      Limit: limit + 1,
    }),
  );
  const found = result.Items ?? [];
  const items = found.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    found.length > limit && last
      ? await encodeCursor(list, Object.fromEntries(COUNTRY_START_KEY.map((name) => [name, last[name]])))
      : undefined;
  return { items: items.map(toCustomer), nextCursor };
}

/**
 * One Query of the tag's entries (its collection on `byTenantCollection`), then one BatchGetItem of
 * the page's customers, given back in the entries' order (BatchGetItem keeps none).
 */
async function byTag(tenantId: string, tag: string, limit: number, cursor?: string): Promise<Page> {
  const page = await listCollection({
    tableName: domainTableName(),
    tenantId,
    collection: tagCollection(tagKey(tag)),
    limit,
    cursor,
  });
  const ids = page.items.map((entry) => entry.customerId as string);
  const found = await batchGet(
    domainTableName(),
    ids.map((id) => customerKey(tenantId, id)),
  );
  const byId = new Map(found.map((item) => [item.id as string, item]));
  const items = ids.flatMap((id) => {
    const item = byId.get(id);
    return item ? [toCustomer(item)] : [];
  });
  return { items, nextCursor: page.nextCursor };
}
