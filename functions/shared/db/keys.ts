/**
 * Every key starts with the tenant: `T#<tenant>#...`. Entities live in their own partitions
 * (no hot tenant partition); the `byTenantCollection` index groups them per tenant for lists.
 */
export const tenantKey = (tenantId: string) => `T#${tenantId}`;

export const entityKey = (tenantId: string, entity: string, id: string, sk = entity) => ({
  pk: `${tenantKey(tenantId)}#${entity}#${id}`,
  sk,
});

export const collectionKey = (tenantId: string, collection: string) => `${tenantKey(tenantId)}#${collection}`;
