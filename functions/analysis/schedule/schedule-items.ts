import { domainTableName } from '../../shared/db/client';
import type { TransactItem } from '../../shared/db/transact-item';
import { nextOccurrence } from './cron';
import { ANALYSIS_DUE_ENTITY, ANALYSIS_SCHEDULE_ENTITY, dueKey, scheduleKey } from './keys';
import type { AnalysisSchedule } from './setting';

/**
 * A tenant's schedule as stored, and the items that write it. The schedule item says when the
 * tenant is next due (`dueAt`, absent while disabled); its due entry says the same in the system
 * partition the job Queries. Every write of the schedule bumps its version and is conditioned on
 * the version it read, so the three writers (registration, settings, the job) never lose each
 * other's changes; the due entry carries the version it was written with, so the job can condition
 * on the schedule without reading it.
 */
export interface ScheduleState {
  tenantId: string;
  enabled: boolean;
  cron: string;
  timeZone: string;
  dueAt?: string;
  version: number;
}

/** The state a schedule setting gives in `timeZone` at `now`: due at its next occurrence when enabled. */
export function plannedState(
  tenantId: string,
  setting: AnalysisSchedule,
  timeZone: string,
  now: Date,
  version: number,
): ScheduleState {
  const dueAt = setting.enabled ? nextOccurrence(setting.cron, timeZone, now) : undefined;
  return {
    tenantId,
    enabled: setting.enabled,
    cron: setting.cron,
    timeZone,
    ...(dueAt ? { dueAt } : {}),
    version,
  };
}

export function scheduleOf(item: Record<string, unknown>): ScheduleState {
  return {
    tenantId: String(item.tenantId),
    enabled: item.enabled === true,
    cron: String(item.cron),
    timeZone: String(item.timeZone),
    ...(typeof item.dueAt === 'string' ? { dueAt: item.dueAt } : {}),
    version: Number(item.version),
  };
}

/** The state a due entry was written with (the job reads entries, not schedules). */
export function scheduleOfEntry(item: Record<string, unknown>): ScheduleState {
  return scheduleOf({ ...item, enabled: true, version: item.scheduleVersion });
}

/** The first write of a tenant's schedule: refused if the tenant has one already. */
export function registrationItems(state: ScheduleState, now: Date): TransactItem[] {
  return [
    {
      Put: {
        TableName: domainTableName(),
        Item: {
          ...scheduleKey(state.tenantId),
          entity: ANALYSIS_SCHEDULE_ENTITY,
          ...state,
          registeredAt: now.toISOString(),
          updatedAt: now.toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...(state.dueAt ? [dueEntryPut(state)] : []),
  ];
}

/**
 * Moves a schedule from `before` to `after` (whose version is before's + 1): the schedule item,
 * conditioned on still being at before's version, and its due entry (the old one deleted, the new
 * one put; one Put when the due time stays, since a transaction touches an item once).
 */
export function moveItems(before: ScheduleState, after: ScheduleState, now: Date): TransactItem[] {
  const table = domainTableName();
  const update: TransactItem = {
    Update: {
      TableName: table,
      Key: scheduleKey(before.tenantId),
      // Every name through a placeholder: some (timeZone's "zone", version) are DynamoDB reserved words.
      UpdateExpression: `SET #enabled = :enabled, #cron = :cron, #zone = :zone, #version = :next, #updated = :now ${
        after.dueAt ? ', #due = :due' : 'REMOVE #due'
      }`,
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: {
        '#enabled': 'enabled',
        '#cron': 'cron',
        '#zone': 'timeZone',
        '#version': 'version',
        '#updated': 'updatedAt',
        '#due': 'dueAt',
      },
      ExpressionAttributeValues: {
        ':enabled': after.enabled,
        ':cron': after.cron,
        ':zone': after.timeZone,
        ':next': after.version,
        ':now': now.toISOString(),
        ':version': before.version,
        ...(after.dueAt ? { ':due': after.dueAt } : {}),
      },
    },
  };
  const dropOld = before.dueAt !== undefined && before.dueAt !== after.dueAt;
  return [
    update,
    ...(dropOld
      ? [{ Delete: { TableName: table, Key: dueKey(before.dueAt as string, before.tenantId) } }]
      : []),
    ...(after.dueAt ? [dueEntryPut(after)] : []),
  ];
}

function dueEntryPut(state: ScheduleState): TransactItem {
  const dueAt = state.dueAt as string;
  return {
    Put: {
      TableName: domainTableName(),
      Item: {
        ...dueKey(dueAt, state.tenantId),
        entity: ANALYSIS_DUE_ENTITY,
        tenantId: state.tenantId,
        dueAt,
        cron: state.cron,
        timeZone: state.timeZone,
        scheduleVersion: state.version,
      },
    },
  };
}
