import { replaceAuditedSetting } from '../audit/audited-setting';
import type { AuditContext } from '../audit/audited-update';
import { entityKey } from '../shared/db/keys';
import { readSetting } from '../shared/db/tenant-setting';
import { ConflictError, PreconditionFailedError } from '../shared/http/errors';
import type { TenantSettings } from './schemas';
import {
  DEFAULT_TIME_ZONE,
  defaultZoneHistory,
  MAX_ZONE_CHANGES,
  withZoneChange,
  type ZoneHistory,
  type ZoneSpan,
} from './time-zone';

/**
 * The tenant's own settings (its time zone): one item per tenant, replaced whole, guarded by its
 * version, every change audited in the same transaction — as the other settings are.
 */
const ENTITY = 'SETTINGS';
export const TENANT_AUDIT_RESOURCE = 'settings/tenant';
const AUDITED_FIELDS = ['timeZone'] as const;

export const tenantSettingsKey = (tenantId: string) => entityKey(tenantId, ENTITY, 'tenant');

export interface StoredTenantSettings {
  timeZone: string;
  timeZoneHistory: ZoneHistory;
  /** 0: the defaults, never saved. */
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

/** One GetItem; consistent for an admin's read-modify-write, the cheaper read for everyone else. */
export async function getTenantSettings(
  tenantId: string,
  options: { consistentRead?: boolean } = {},
): Promise<StoredTenantSettings> {
  const { item, ...version } = await readSetting(tenantSettingsKey(tenantId), options);
  const history = (item?.timeZoneHistory as ZoneSpan[] | undefined) ?? defaultZoneHistory();
  return {
    timeZone: (item?.timeZone as string | undefined) ?? DEFAULT_TIME_ZONE,
    timeZoneHistory: history,
    ...version,
  };
}

/**
 * Saves `timeZone` (already canonical) when `expectedVersion` is current: a consistent GetItem (the
 * history to extend, a stale If-Match answered at once), then the setting and its audit record in
 * one transaction.
 */
export async function putTenantSettings(
  tenantId: string,
  timeZone: string,
  expectedVersion: number,
  context: AuditContext,
  now: Date,
): Promise<StoredTenantSettings> {
  const current = await getTenantSettings(tenantId, { consistentRead: true });
  if (current.version !== expectedVersion) throw new PreconditionFailedError(current.version);
  const history = withZoneChange(current.timeZoneHistory, timeZone, now);
  if (history.length > MAX_ZONE_CHANGES + 1)
    throw new ConflictError(
      'urn:orderly:problem:time-zone-changes-exhausted',
      'Too many time zone changes',
      `A tenant's time zone may change ${MAX_ZONE_CHANGES} times; reports must know every zone a record was counted in.`,
    );
  const at = now.toISOString();
  const version = await replaceAuditedSetting({
    key: tenantSettingsKey(tenantId),
    entity: ENTITY,
    expectedVersion,
    before: { timeZone: current.timeZone },
    after: { timeZone },
    audited: AUDITED_FIELDS,
    auditResource: TENANT_AUDIT_RESOURCE,
    fields: { timeZone, timeZoneHistory: history },
    context,
    now: at,
  });
  return { timeZone, timeZoneHistory: history, version, updatedAt: at, updatedBy: context.actor };
}

export function toTenantSettings(stored: StoredTenantSettings): TenantSettings {
  return {
    timeZone: stored.timeZone,
    timeZoneHistory: stored.timeZoneHistory.map(({ timeZone, from }) => ({ timeZone, from })),
    version: stored.version,
    ...(stored.updatedAt === undefined ? {} : { updatedAt: stored.updatedAt }),
    ...(stored.updatedBy === undefined ? {} : { updatedBy: stored.updatedBy }),
  };
}
