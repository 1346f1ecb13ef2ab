import { collectionKey, entityKey } from '../shared/db/keys';

/**
 * Customer keys, and the keys behind `GET /v1/customers?country=` and `?tag=` (docs/design.md §3:
 * every filter is one Query on a partition of its own, never a Scan or a filter over the tenant).
 *
 * - **Country**: the customer item carries `countryPk`/`countrySk` while it has an address, so the
 *   sparse `customersByCountry` index holds it under its address's country, by id (= creation order,
 *   as the unfiltered list). An UpdateItem that changes the address sets them in the same write.
 * - **Tags**: a GSI cannot index the elements of a list, so each tag is an entry item in the
 *   customer's own partition (`sk = TAG#<tag>`) that puts it in the tag's collection on
 *   `byTenantCollection`. Entries hold keys only: a tag's page is one Query of its entries and one
 *   BatchGetItem of those customers. Copies of the customer in the entries would save that read,
 *   but every change of any customer field would then rewrite up to 20 of them; entries that hold
 *   keys move only when the tags change, in the transaction that changes them.
 */
export const CUSTOMER_ENTITY = 'CUSTOMER';
export const CUSTOMERS_COLLECTION = 'CUSTOMERS';
export const TAG_ENTRY_ENTITY = 'CUSTOMER_TAG';

export const customerKey = (tenantId: string, customerId: string) =>
  entityKey(tenantId, CUSTOMER_ENTITY, customerId);

/** The `customersByCountry` partition of a country (its upper-case ISO code). */
export const countryPartition = (tenantId: string, country: string) =>
  `${collectionKey(tenantId, CUSTOMERS_COLLECTION)}#COUNTRY#${country}`;

/** The index attributes of a customer with an address in `country`; `null` (a patch) takes it out of the index. */
export function countryAttributes(tenantId: string, customerId: string, country: string | null) {
  return country === null
    ? { countryPk: null, countrySk: null }
    : { countryPk: countryPartition(tenantId, country), countrySk: customerId };
}

/** Tags match whatever their case and Unicode form: `VIP`, `vip` and `ＶＩＰ` are one tag. */
export const tagKey = (tag: string) => tag.normalize('NFKC').toLowerCase();

/** The collection (on `byTenantCollection`) of the customers that carry the tag with this key. */
export const tagCollection = (key: string) => `${CUSTOMERS_COLLECTION}#TAG#${key}`;

/** The distinct tag keys of a tag list (an old customer may hold `VIP` and `vip` both). */
export const tagKeys = (tags: readonly string[] | undefined) => [...new Set((tags ?? []).map(tagKey))];

/** A tag's entry item: the customer in the tag's collection, by id. */
export function tagEntry(tenantId: string, customerId: string, key: string) {
  return {
    pk: customerKey(tenantId, customerId).pk,
    sk: `TAG#${key}`,
    collectionPk: collectionKey(tenantId, tagCollection(key)),
    collectionSk: customerId,
    entity: TAG_ENTRY_ENTITY,
    tenantId,
    customerId,
  };
}
