import { customerKey } from '../customers/keys';
import { needKey } from '../needs/keys';
import { productKey, skuKey } from '../products/store';
import { batchGet } from '../shared/db/batch-get';
import { domainTableName } from '../shared/db/client';
import { uniqueKey } from '../shared/db/unique-values';
import { HttpError } from '../shared/http/errors';
import type { HistoryOrder } from './history-schema';

/**
 * What a batch of history orders refers to, read for the whole batch at once rather than order by
 * order: the orders' own references (an order already imported is `existing` without a write),
 * customers (by id, or by externalRef through its uniqueness item), catalogue products by SKU (the
 * SKU item names the product), and needs. Two rounds of BatchGetItem, 100 keys each: the
 * uniqueness, SKU and need items, then the customers and products they name. In general
 * ⌈(orders + customer refs + SKUs + needs) / 100⌉ + ⌈(customers + products) / 100⌉ requests: a
 * batch of 100 orders of 40 customers naming 400 products costs 6 + 5.
 */
export interface HistoryLookup {
  /** Order externalRef → the order that has it. */
  orderRefs: ReadonlyMap<string, string>;
  customers: ReadonlyMap<string, { country?: string }>;
  /** Customer externalRef → customer id. */
  customerRefs: ReadonlyMap<string, string>;
  products: ReadonlyMap<string, { productId: string; name: string; category: string }>;
  needs: ReadonlySet<string>;
}

/** Beyond this, a batch names more than a request can look up in reasonable time: split it. */
export const MAX_DISTINCT_SKUS = 5000;
const KEYS_PER_REQUEST = 100;
/** BatchGetItem requests in flight at once. */
const CONCURRENCY = 4;

export async function lookUpHistory(
  tenantId: string,
  orders: readonly HistoryOrder[],
): Promise<HistoryLookup> {
  const distinct = <T>(values: Iterable<T | undefined>) =>
    [...new Set(values)].filter((v): v is T => v !== undefined);
  const orderRefs = distinct(orders.map((o) => o.externalRef));
  const refs = distinct(orders.map((o) => o.customerRef));
  const skus = distinct(orders.flatMap((o) => o.lines.map((line) => line.sku)));
  const needIds = distinct(orders.flatMap((o) => o.needIds ?? []));
  if (skus.length > MAX_DISTINCT_SKUS)
    throw new HttpError(
      413,
      'history-batch-too-large',
      'The batch names too many products',
      `The orders of one request may name at most ${MAX_DISTINCT_SKUS} distinct SKUs (these name ${skus.length}); send fewer orders per request.`,
      { errors: [{ field: 'body.items', message: `more than ${MAX_DISTINCT_SKUS} distinct SKUs` }] },
    );

  // Round 1: what names things, by its own key.
  const first = await readAll([
    ...orderRefs.map((ref) => uniqueKey(tenantId, 'ORDER_REF', ref)),
    ...refs.map((ref) => uniqueKey(tenantId, 'CUSTOMER_REF', ref)),
    ...skus.map((sku) => skuKey(tenantId, sku)),
    ...needIds.map((id) => needKey(tenantId, id)),
  ]);
  const existing = new Map<string, string>();
  for (const ref of orderRefs) {
    const owner = first.get(uniqueKey(tenantId, 'ORDER_REF', ref).pk)?.resourceId;
    if (typeof owner === 'string') existing.set(ref, owner);
  }
  const customerRefs = new Map<string, string>();
  for (const ref of refs) {
    const owner = first.get(uniqueKey(tenantId, 'CUSTOMER_REF', ref).pk)?.resourceId;
    if (typeof owner === 'string') customerRefs.set(ref, owner);
  }
  const productIds = new Map<string, string>();
  for (const sku of skus) {
    const id = first.get(skuKey(tenantId, sku).pk)?.productId;
    if (typeof id === 'string') productIds.set(sku, id);
  }
  const needs = new Set(needIds.filter((id) => first.has(needKey(tenantId, id).pk)));

  // Round 2: the customers and products themselves.
  const customerIds = distinct([...orders.map((o) => o.customerId), ...customerRefs.values()]);
  const second = await readAll([
    ...customerIds.map((id) => customerKey(tenantId, id)),
    ...[...new Set(productIds.values())].map((id) => productKey(tenantId, id)),
  ]);
  const customers = new Map<string, { country?: string }>();
  for (const id of customerIds) {
    const item = second.get(customerKey(tenantId, id).pk);
    if (!item) continue;
    const country = (item.address as { country?: string } | undefined)?.country;
    customers.set(id, country === undefined ? {} : { country });
  }
  const products = new Map<string, { productId: string; name: string; category: string }>();
  for (const [sku, productId] of productIds) {
    const item = second.get(productKey(tenantId, productId).pk);
    if (item) products.set(sku, { productId, name: item.name as string, category: item.category as string });
  }
  return { orderRefs: existing, customers, customerRefs, products, needs };
}

/** The items at `keys` (each key once; none shares a partition with another), by partition key. */
async function readAll(
  keys: readonly { pk: string; sk: string }[],
): Promise<Map<string, Record<string, unknown>>> {
  const chunks: { pk: string; sk: string }[][] = [];
  for (let i = 0; i < keys.length; i += KEYS_PER_REQUEST) chunks.push(keys.slice(i, i + KEYS_PER_REQUEST));
  const found = new Map<string, Record<string, unknown>>();
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++] as { pk: string; sk: string }[];
      const items = await batchGet(domainTableName(), chunk, {
        expression: 'pk, sk, resourceId, productId, #name, category, address.country',
        names: { '#name': 'name' },
      });
      for (const item of items) found.set(item.pk as string, item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, chunks.length) }, worker));
  return found;
}
