import { domainTableName } from '../../shared/db/client';
import type { TransactItem } from '../../shared/db/transact-item';
import { scheduleKey } from './keys';
import { moveItems, plannedState, type ScheduleState } from './schedule-items';
import type { AnalysisSchedule } from './setting';

/**
 * What a save of the tenant's settings writes of its schedule, in the save's transaction:
 * - no schedule yet (no data yet): nothing but a check that there still is none — a registration
 *   that committed since we read would have planned from the settings this save replaces, so the
 *   save is refused and tried again;
 * - the same cron, switch and zone: nothing (the due time stands);
 * - otherwise the schedule moves to its next occurrence under the new setting (disabled: its due
 *   entry is removed).
 */
export function scheduleChangeItems(
  tenantId: string,
  current: ScheduleState | undefined,
  setting: AnalysisSchedule,
  timeZone: string,
  now: Date,
): TransactItem[] {
  if (!current)
    return [
      {
        ConditionCheck: {
          TableName: domainTableName(),
          Key: scheduleKey(tenantId),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
  const unchanged =
    current.enabled === setting.enabled && current.cron === setting.cron && current.timeZone === timeZone;
  if (unchanged) return [];
  return moveItems(current, plannedState(tenantId, setting, timeZone, now, current.version + 1), now);
}
