import { getTenantSettings } from '../settings/tenant-store';
import { settingsCacheSeconds, type ZoneHistory } from '../settings/time-zone';

/**
 * Each tenant's time zone history, kept by the execution environment for
 * `settingsCacheSeconds()` (a minute) so that a busy stream reads the setting once a minute per
 * tenant, not once per record. A zone change takes effect twice that after it is saved
 * (settings/time-zone.ts), so a cached copy never misses a span a record falls in.
 */
const cache = new Map<string, { history: ZoneHistory; readAtMs: number }>();

export async function zoneHistoryOf(tenantId: string, nowMs = Date.now()): Promise<ZoneHistory> {
  const hit = cache.get(tenantId);
  if (hit && nowMs - hit.readAtMs < settingsCacheSeconds() * 1000) return hit.history;
  const { timeZoneHistory } = await getTenantSettings(tenantId, { consistentRead: true });
  cache.set(tenantId, { history: timeZoneHistory, readAtMs: nowMs });
  return timeZoneHistory;
}
