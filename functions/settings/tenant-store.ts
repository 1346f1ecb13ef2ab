import { readSchedule } from '../analysis/schedule/read-schedule';
import { type AnalysisSchedule, DEFAULT_ANALYSIS_SCHEDULE } from '../analysis/schedule/setting';
import { scheduleChangeItems } from '../analysis/schedule/setting-change';
import { replaceAuditedSetting } from '../audit/audited-setting';
import type { AuditContext } from '../audit/audited-update';
import { entityKey } from '../shared/db/keys';
import { readSetting } from '../shared/db/tenant-setting';
import { WriteCancelledError } from '../shared/db/write-items';
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
 * The tenant's own settings (its time zone, its analysis schedule): one item per tenant, replaced
 * whole, guarded by its version, every change audited in the same transaction — as the other
 * settings are.
 */
const ENTITY = 'SETTINGS';
export const TENANT_AUDIT_RESOURCE = 'settings/tenant';
const AUDITED_FIELDS = ['timeZone', 'analysisSchedule'] as const;

export const tenantSettingsKey = (tenantId: string) => entityKey(tenantId, ENTITY, 'tenant');

export interface StoredTenantSettings {
  timeZone: string;
  timeZoneHistory: ZoneHistory;
  analysisSchedule: AnalysisSchedule;
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
    analysisSchedule: (item?.analysisSchedule as AnalysisSchedule | undefined) ?? DEFAULT_ANALYSIS_SCHEDULE,
    ...version,
  };
}

/** What a save replaces the settings with: the zone already canonical, the schedule validated. */
export interface TenantSettingsChange {
  timeZone: string;
  analysisSchedule: AnalysisSchedule;
}

/**
 * Attempts of a save whose transaction lost to the analysis schedule's other writers (a tenant's
 * first record registering it, the due job moving it) between our read and our write.
 */
const ATTEMPTS = 3;

/**
 * Saves the settings when `expectedVersion` is current: a consistent GetItem of the settings (the
 * history to extend, a stale If-Match answered at once) and one of the analysis schedule, then
 * the setting, its audit records and the schedule's move (settings changed the cron, the switch or
 * the zone it is read in) in one transaction.
 */
export async function putTenantSettings(
  tenantId: string,
  change: TenantSettingsChange,
  expectedVersion: number,
  context: AuditContext,
  now: Date,
): Promise<StoredTenantSettings> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await saveOnce(tenantId, change, expectedVersion, context, now);
    } catch (error) {
      if (!(error instanceof WriteCancelledError) || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function saveOnce(
  tenantId: string,
  { timeZone, analysisSchedule }: TenantSettingsChange,
  expectedVersion: number,
  context: AuditContext,
  now: Date,
): Promise<StoredTenantSettings> {
  const [current, schedule] = await Promise.all([
    getTenantSettings(tenantId, { consistentRead: true }),
    readSchedule(tenantId),
  ]);
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
    before: { timeZone: current.timeZone, analysisSchedule: current.analysisSchedule },
    after: { timeZone, analysisSchedule },
    audited: AUDITED_FIELDS,
    auditResource: TENANT_AUDIT_RESOURCE,
    fields: { timeZone, timeZoneHistory: history, analysisSchedule },
    context,
    now: at,
    also: scheduleChangeItems(tenantId, schedule, analysisSchedule, timeZone, now),
  });
  return {
    timeZone,
    timeZoneHistory: history,
    analysisSchedule,
    version,
    updatedAt: at,
    updatedBy: context.actor,
  };
}

export function toTenantSettings(stored: StoredTenantSettings): TenantSettings {
  return {
    timeZone: stored.timeZone,
    timeZoneHistory: stored.timeZoneHistory.map(({ timeZone, from }) => ({ timeZone, from })),
    analysisSchedule: stored.analysisSchedule,
    version: stored.version,
    ...(stored.updatedAt === undefined ? {} : { updatedAt: stored.updatedAt }),
    ...(stored.updatedBy === undefined ? {} : { updatedBy: stored.updatedBy }),
  };
}
