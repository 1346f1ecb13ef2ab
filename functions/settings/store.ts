import { replaceAuditedSetting } from '../audit/audited-setting';
import { entityKey } from '../shared/db/keys';
import { readSetting } from '../shared/db/tenant-setting';
import { PreconditionFailedError } from '../shared/http/errors';
import { defaultPartnerRouting, type PartnerRouting } from './fulfilment-partners';
import type { FulfilmentPartners } from './schemas';

/**
 * The tenant's fulfilment-partner routing: one item per tenant, replaced whole, guarded by its
 * version; every save writes its audit records in the same transaction.
 */
const ENTITY = 'SETTINGS';
export const AUDIT_RESOURCE = 'settings/fulfilment-partners';
const AUDITED_FIELDS = ['defaultPartnerId', 'byCategory', 'byCustomer'] as const;

export const partnerRoutingKey = (tenantId: string) => entityKey(tenantId, ENTITY, 'fulfilment-partners');

export interface StoredPartnerRouting {
  routing: PartnerRouting;
  /** 0: the defaults, never saved. */
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

/** Who saves, when, and in which request: what the audit record keeps besides the values. */
export interface SavedBy {
  actor: string;
  at: string;
  requestId: string;
  operation: string;
}

/**
 * The routing in force, or the defaults (version 0) when the tenant never saved one. One GetItem.
 * Consistent for an admin's read-modify-write; assigning an order or finding the default partner
 * can take the cheaper read (a change reaches them a moment later).
 */
export async function getPartnerRouting(
  tenantId: string,
  options: { consistentRead?: boolean } = {},
): Promise<StoredPartnerRouting> {
  const { item, ...version } = await readSetting(partnerRoutingKey(tenantId), options);
  return { routing: item ? routingOf(item) : defaultPartnerRouting(), ...version };
}

/**
 * Replaces the routing when `expectedVersion` is still current (0: none saved yet): a consistent
 * GetItem (the values the audit record keeps as `before`, and a stale If-Match answered at once),
 * then one transaction: the setting, guarded by the version read, and one audit record per field
 * that changed. A save that changes nothing still takes a new version and writes no record.
 */
export async function putPartnerRouting(
  tenantId: string,
  next: PartnerRouting,
  expectedVersion: number,
  by: SavedBy,
): Promise<StoredPartnerRouting> {
  const current = await getPartnerRouting(tenantId, { consistentRead: true });
  if (current.version !== expectedVersion) throw new PreconditionFailedError(current.version);
  const version = await replaceAuditedSetting({
    key: partnerRoutingKey(tenantId),
    entity: ENTITY,
    expectedVersion,
    before: { ...current.routing },
    after: { ...next },
    audited: AUDITED_FIELDS,
    auditResource: AUDIT_RESOURCE,
    fields: { ...routingOf(next) },
    context: { tenantId, actor: by.actor, requestId: by.requestId, operation: by.operation },
    now: by.at,
  });
  return { routing: routingOf(next), version, updatedAt: by.at, updatedBy: by.actor };
}

/** The routing's own fields of an item or a request, nothing else (not the keys, not the version). */
function routingOf(source: PartnerRouting | Record<string, unknown>): PartnerRouting {
  return {
    defaultPartnerId: source.defaultPartnerId as string,
    byCategory: (source.byCategory ?? {}) as Record<string, string>,
    byCustomer: (source.byCustomer ?? {}) as Record<string, string>,
  };
}

/** The API resource: the routing with its version. */
export function toFulfilmentPartners(stored: StoredPartnerRouting): FulfilmentPartners {
  return {
    ...stored.routing,
    version: stored.version,
    ...(stored.updatedAt === undefined ? {} : { updatedAt: stored.updatedAt }),
    ...(stored.updatedBy === undefined ? {} : { updatedBy: stored.updatedBy }),
  };
}
