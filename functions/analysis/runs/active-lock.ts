import { domainTableName } from '../../shared/db/client';
import { tenantKey } from '../../shared/db/keys';
import type { TransactItem } from '../../shared/db/transact-item';

/**
 * One active analysis run per tenant: creating a run (API or schedule) also writes this item, on
 * condition that there is none or that it has expired; the run's finish (execute.ts) deletes it in
 * the same write that makes the run SUCCEEDED or FAILED, conditioned on `runId` being its own.
 * The expiry frees a tenant whose run died without finishing (a crash, a lost stream record): it is
 * longer than the run function's limit (900 s), so a live run is never overtaken.
 */
export const activeRunKey = (tenantId: string) => ({
  pk: `${tenantKey(tenantId)}#ANALYSIS_RUN_ACTIVE`,
  sk: 'ANALYSIS_RUN_ACTIVE',
});

export const ACTIVE_RUN_ENTITY = 'ANALYSIS_RUN_ACTIVE';
export const ACTIVE_LOCK_MINUTES = 20;

/** The lock as stored: the run holding it and until when (ISO, compared as text). */
export interface ActiveRunLock {
  runId: string;
  lockedUntil: string;
}

/** The lock's Put for a new run: refused while another run holds a lock that has not expired. */
export function takeActiveLock(tenantId: string, runId: string, now: Date): TransactItem {
  const lockedUntil = new Date(now.getTime() + ACTIVE_LOCK_MINUTES * 60_000).toISOString();
  return {
    Put: {
      TableName: domainTableName(),
      Item: { ...activeRunKey(tenantId), entity: ACTIVE_RUN_ENTITY, tenantId, runId, lockedUntil },
      ConditionExpression: 'attribute_not_exists(pk) OR lockedUntil <= :now',
      ExpressionAttributeValues: { ':now': now.toISOString() },
    },
  };
}
