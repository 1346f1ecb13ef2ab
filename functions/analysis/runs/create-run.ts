import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../../shared/db/client';
import { settled } from '../../shared/db/settled';
import type { TransactItem } from '../../shared/db/transact-item';
import { WriteCancelledError, writeItems } from '../../shared/db/write-items';
import { ConflictError } from '../../shared/http/errors';
import { type IdempotencyClaim, NO_CLAIM } from '../../shared/idempotency/claim';
import { newId } from '../../shared/ids';
import { type ActiveRunLock, activeRunKey, takeActiveLock } from './active-lock';
import type { AnalysisKind } from './keys';
import type { AnalysisRun, RunParameters, RunTrigger } from './record';
import { runPut } from './run-store';

/** What asks for a run: the API (a user) or the schedule. */
export interface RunRequest {
  tenantId: string;
  trigger: RunTrigger;
  requestedBy: string;
  kinds: AnalysisKind[];
  parameters: RunParameters;
}

/** A tenant runs one analysis at a time: a 409 naming the run that is queued or running. */
export class ActiveRunError extends ConflictError {
  constructor(activeRunId: string) {
    super(
      'analysis-run-active',
      'An analysis run is already active',
      `Analysis run '${activeRunId}' is queued or running; a tenant runs one at a time. Follow it at /v1/analysis/runs/${activeRunId}.`,
      { activeRunId },
    );
  }
}

/** Attempts when the lock that refused us is gone by the time we read it (its run just finished). */
const ATTEMPTS = 3;
/** The lock is the second item of the transaction. */
const LOCK_INDEX = 1;

/**
 * Queues a run (status QUEUED; the stream carries its INSERT to the consumer that runs it). One
 * transaction: the run, the tenant's active-run lock (refused while another run holds it), `also`
 * (the schedule's move of its due entry) and the request's idempotency record. A refused lock is
 * an ActiveRunError naming the run that holds it; any other refusal is the WriteCancelledError,
 * for the caller to read (`also`'s conditions) or for the idempotency layer (the claim's).
 */
export async function queueRun(
  request: RunRequest,
  now: Date,
  options: { claim?: IdempotencyClaim; also?: readonly TransactItem[] } = {},
): Promise<AnalysisRun> {
  const run: AnalysisRun = {
    id: newId(),
    ...request,
    status: 'QUEUED',
    phase: 'queued',
    progress: { recordsRead: 0, expectedRecords: null, percent: null },
    createdAt: now.toISOString(),
    version: 1,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      await writeItems([
        runPut(run),
        takeActiveLock(run.tenantId, run.id, now),
        ...(options.also ?? []),
        ...(options.claim ?? NO_CLAIM).items(run.id),
      ]);
      return run;
    } catch (error) {
      if (!(error instanceof WriteCancelledError) || !error.reasons[LOCK_INDEX]) throw error;
      // Refused by a live lock, or lost a race to a run whose lock commits a moment later.
      const holder = await settled(() => liveLock(run.tenantId, now));
      if (holder) throw new ActiveRunError(holder.runId);
      if (attempt >= ATTEMPTS) throw error;
    }
  }
}

/** The tenant's lock while it holds (consistent: it may have been written a moment ago). */
async function liveLock(tenantId: string, now: Date): Promise<ActiveRunLock | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: domainTableName(), Key: activeRunKey(tenantId), ConsistentRead: true }),
  );
  const lock = Item as ActiveRunLock | undefined;
  return lock && lock.lockedUntil > now.toISOString() ? lock : undefined;
}
