import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../../shared/db/client';
import type { TransactItem } from '../../shared/db/transact-item';
import { WriteCancelledError, writeItems } from '../../shared/db/write-items';
import { ActiveRunError, queueRun } from '../runs/create-run';
import { runParameters } from '../runs/parameters';
import { nextOccurrence } from './cron';
import { DUE_PARTITION, dueBound } from './keys';
import { moveItems, type ScheduleState, scheduleOfEntry } from './schedule-items';

/** Due tenants one pass handles at most; the rest stay due for the next pass, 15 minutes later. */
export const MAX_PER_PASS = 500;
const PAGE = 100;

export interface DuePassSummary {
  due: number;
  queued: number;
  /** Had a run queued or running: not queued again, moved to their next occurrence. */
  skippedActive: number;
  /** Their schedule changed while we looked (a settings save moved it): left to that change. */
  changed: number;
}

/**
 * One pass of the scheduled analysis: the tenants due at `now` (one Query of the due partition
 * per 100), each given a QUEUED run (trigger `schedule`, all kinds, default parameters, a fresh
 * seed) by the same create path as the API, active-run lock included, in one transaction with the
 * move of its due entry to its next occurrence. A tenant with an active run is not queued again:
 * its entry moves on alone. Missed occurrences (the job was down) are not made up: one run, then
 * the next occurrence from now.
 */
export async function queueDueRuns(now: Date): Promise<DuePassSummary> {
  const summary: DuePassSummary = { due: 0, queued: 0, skippedActive: 0, changed: 0 };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: domainTableName(),
        KeyConditionExpression: 'pk = :pk AND sk < :bound',
        ExpressionAttributeValues: { ':pk': DUE_PARTITION, ':bound': dueBound(now) },
        ExclusiveStartKey: startKey,
        Limit: Math.min(PAGE, MAX_PER_PASS - summary.due),
      }),
    );
    for (const entry of page.Items ?? []) {
      summary.due += 1;
      const outcome = await queueOne(scheduleOfEntry(entry), now);
      summary[outcome] += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && summary.due < MAX_PER_PASS);
  return summary;
}

async function queueOne(before: ScheduleState, now: Date): Promise<'queued' | 'skippedActive' | 'changed'> {
  const nextDue = nextOccurrence(before.cron, before.timeZone, now);
  const { dueAt: _due, ...rest } = before;
  const after: ScheduleState = {
    ...rest,
    ...(nextDue ? { dueAt: nextDue } : {}),
    version: before.version + 1,
  };
  const move = moveItems(before, after, now);
  const request = { tenantId: before.tenantId, trigger: 'schedule', requestedBy: 'schedule' } as const;
  try {
    await queueRun({ ...request, ...runParameters({}) }, now, { also: move });
    return 'queued';
  } catch (error) {
    if (error instanceof ActiveRunError) return moveOnly(move);
    if (error instanceof WriteCancelledError) return 'changed';
    throw error;
  }
}

async function moveOnly(move: TransactItem[]): Promise<'skippedActive' | 'changed'> {
  try {
    await writeItems(move);
    return 'skippedActive';
  } catch (error) {
    if (error instanceof WriteCancelledError) return 'changed';
    throw error;
  }
}
