import { collectionKey } from '../shared/db/keys';

/**
 * Where inbound sources live. The tenant's sources share one partition (its list is one Query);
 * each source also has a global lookup item keyed by its id alone, because a signed message names
 * the source and nothing else: the path cannot name a tenant, the source binds it. This lookup is
 * the documented exception to "every key starts with the tenant" (docs/security.md, "Inbound
 * webhooks"): its key is a ULID nobody chooses, and it holds only what verification needs.
 */
export const sourcesPartition = (tenantId: string) => collectionKey(tenantId, 'INBOUND_SOURCES');

export const sourceKey = (tenantId: string, sourceId: string) => ({
  pk: sourcesPartition(tenantId),
  sk: sourceId,
});

export const sourceCountKey = (tenantId: string) => ({
  pk: collectionKey(tenantId, 'INBOUND_SOURCE_COUNT'),
  sk: 'COUNT',
});

export const SOURCE_LOOKUP_SK = 'INBOUND_SOURCE';

export const sourceLookupKey = (sourceId: string) => ({
  pk: `INBOUND_SOURCE#${sourceId}`,
  sk: SOURCE_LOOKUP_SK,
});

/** Sealed secrets are bound to their source (functions/shared/secrets/sealed-secret.ts): a copy elsewhere does not open. */
export const secretContext = (sourceId: string) => ({ sourceId });
