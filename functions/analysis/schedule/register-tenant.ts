import { getTenantSettings, tenantSettingsKey } from '../../settings/tenant-store';
import { domainTableName } from '../../shared/db/client';
import type { TransactItem } from '../../shared/db/transact-item';
import { WriteCancelledError, writeItems } from '../../shared/db/write-items';
import { ForgetfulMap } from '../../shared/forgetful-map';
import { readSchedule } from './read-schedule';
import { plannedState, registrationItems } from './schedule-items';

/**
 * Tenants whose schedule this container has seen written: a tenant is registered once, so after
 * the first record of a tenant its every other record costs nothing. Bounded: a container that
 * saw very many tenants forgets them all and re-learns them (a GetItem each).
 */
const registered = new ForgetfulMap<string, true>(10_000);

/** Attempts when the tenant's settings changed between our read and our write. */
const ATTEMPTS = 3;

/**
 * Gives a tenant its analysis schedule when it first has data (a need or an order): the schedule
 * and its due entry from the tenant's settings, in one transaction that is refused if the tenant
 * has a schedule already, or if its settings changed since they were read (then read again: a
 * settings save that found no schedule moved nothing, so the schedule must be planned from the
 * settings as saved). Returns whether this call wrote the schedule.
 */
export async function registerTenant(tenantId: string, now: Date): Promise<boolean> {
  if (registered.has(tenantId)) return false;
  if (await readSchedule(tenantId)) {
    registered.set(tenantId, true);
    return false;
  }
  for (let attempt = 1; ; attempt++) {
    const settings = await getTenantSettings(tenantId, { consistentRead: true });
    const state = plannedState(tenantId, settings.analysisSchedule, settings.timeZone, now, 1);
    const items = [...registrationItems(state, now), settingsUnchanged(tenantId, settings.version)];
    try {
      await writeItems(items);
      registered.set(tenantId, true);
      return true;
    } catch (error) {
      if (!(error instanceof WriteCancelledError)) throw error;
      // Another record of the tenant (another shard, another container) registered it first.
      if (error.reasons[0] === 'ConditionalCheckFailed') {
        registered.set(tenantId, true);
        return false;
      }
      if (attempt >= ATTEMPTS) throw error;
    }
  }
}

/** The settings are still at the version read (never saved: still absent). */
function settingsUnchanged(tenantId: string, version: number): TransactItem {
  return {
    ConditionCheck: {
      TableName: domainTableName(),
      Key: tenantSettingsKey(tenantId),
      ...(version === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': version },
          }),
    },
  };
}

/** For tests: forget what this container learnt. */
export const forgetRegisteredTenants = () => registered.clear();
