import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../../shared/db/client';
import type { TransactItem } from '../../shared/db/transact-item';
import { WriteCancelledError, writeItems } from '../../shared/db/write-items';
import { activeRunKey } from './active-lock';
import { type AnalysisKind, latestKey, runKey } from './keys';
import type { AnalysisRun, KindResult, RunPhase, RunProgress } from './record';

/**
 * A run's status changes after QUEUED: RUNNING at its start, then SUCCEEDED or FAILED, each one
 * write guarded by the status it leaves, so a run is finished once and a finished run is never
 * overwritten. The last write also releases the tenant's active-run lock (active-lock.ts), and a
 * successful run's moves the latest pointer of each kind that succeeded — in the same transaction,
 * so a pointer never names a run that did not succeed, and a run that fails (or dies before its
 * last write) leaves every pointer where it was: the previous results stay served.
 */
export const LATEST_ENTITY = 'ANALYSIS_LATEST';

export type StartOutcome = 'started' | 'interrupted' | 'finished' | 'missing';

const names = { '#status': 'status', '#phase': 'phase', '#version': 'version' };

/**
 * QUEUED → RUNNING. A run already RUNNING is an earlier attempt that died (its invocation crashed
 * or hit its time limit, and the stream delivered the run again): it is failed with why, and not
 * started again — a run that dies once would likely die again, and its lock would hold the tenant
 * meanwhile. A finished run (a duplicate delivery) is left alone.
 */
export async function startRun(run: AnalysisRun, now: Date): Promise<StartOutcome> {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: domainTableName(),
        Key: runKey(run.tenantId, run.id),
        UpdateExpression: 'SET #status = :running, #phase = :reading, startedAt = :now ADD #version :one',
        ConditionExpression: '#status = :queued',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':running': 'RUNNING',
          ':reading': 'reading',
          ':now': now.toISOString(),
          ':one': 1,
          ':queued': 'QUEUED',
        },
      }),
    );
    return 'started';
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: domainTableName(), Key: runKey(run.tenantId, run.id), ConsistentRead: true }),
  );
  if (!Item) return 'missing';
  if (Item.status !== 'RUNNING') return 'finished';
  const phase = Item.phase as RunPhase;
  await failRun(run, {
    phase,
    message: `interrupted at ${phase}: the run's invocation ended before the run finished (a crash, or its time limit); nothing it computed is served. Start a new run.`,
    now,
    startedAt: Item.startedAt as string | undefined,
  });
  return 'interrupted';
}

export interface Failure {
  phase: RunPhase;
  message: string;
  now: Date;
  startedAt?: string;
  progress?: RunProgress;
  results?: Partial<Record<AnalysisKind, KindResult>>;
}

/** RUNNING → FAILED with why; every latest pointer stays. */
export async function failRun(run: AnalysisRun, failure: Failure): Promise<void> {
  const finishedAt = failure.now.toISOString();
  const values: Record<string, unknown> = {
    ':failed': 'FAILED',
    ':error': { message: failure.message, phase: failure.phase },
    ':finishedAt': finishedAt,
    ':one': 1,
    ':running': 'RUNNING',
  };
  const sets = ['#status = :failed', '#error = :error', 'finishedAt = :finishedAt'];
  if (failure.startedAt) {
    sets.push('durationMs = :duration');
    values[':duration'] = failure.now.getTime() - Date.parse(failure.startedAt);
  }
  if (failure.progress) {
    sets.push('#progress = :progress');
    values[':progress'] = failure.progress;
  }
  if (failure.results) {
    sets.push('results = :results');
    values[':results'] = failure.results;
  }
  await finish(run, [], {
    Update: {
      TableName: domainTableName(),
      Key: runKey(run.tenantId, run.id),
      UpdateExpression: `SET ${sets.join(', ')} ADD #version :one`,
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#version': 'version',
        '#error': 'error',
        ...(failure.progress ? { '#progress': 'progress' } : {}),
      },
      ExpressionAttributeValues: values,
    },
  });
}

export interface Success {
  now: Date;
  startedAt: string;
  progress: RunProgress;
  inputs: NonNullable<AnalysisRun['inputs']>;
  results: Partial<Record<AnalysisKind, KindResult>>;
  /** When this run's result items expire (epoch seconds): result-retention.ts extends them from the pointer. */
  resultsExpireAt: number;
}

/** RUNNING → SUCCEEDED, and the latest pointer of each kind that succeeded moved to this run. */
export async function succeedRun(run: AnalysisRun, success: Success): Promise<void> {
  const finishedAt = success.now.toISOString();
  const pointers = Object.entries(success.results).flatMap(([kind, result]): TransactItem[] =>
    result?.status === 'ok'
      ? [
          {
            Put: {
              TableName: domainTableName(),
              Item: {
                ...latestKey(run.tenantId, kind as AnalysisKind),
                entity: LATEST_ENTITY,
                tenantId: run.tenantId,
                kind,
                runId: run.id,
                finishedAt,
                summary: result.summary ?? {},
                resultsExpireAt: success.resultsExpireAt,
              },
            },
          },
        ]
      : [],
  );
  await finish(run, pointers, {
    Update: {
      TableName: domainTableName(),
      Key: runKey(run.tenantId, run.id),
      UpdateExpression:
        'SET #status = :succeeded, #phase = :done, #progress = :progress, inputs = :inputs, results = :results, finishedAt = :finishedAt, durationMs = :duration ADD #version :one',
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: { ...names, '#progress': 'progress' },
      ExpressionAttributeValues: {
        ':succeeded': 'SUCCEEDED',
        ':done': 'done',
        ':progress': success.progress,
        ':inputs': success.inputs,
        ':results': success.results,
        ':finishedAt': finishedAt,
        ':duration': success.now.getTime() - Date.parse(success.startedAt),
        ':one': 1,
        ':running': 'RUNNING',
      },
    },
  });
}

/**
 * The run's last write: its item (first), the pointers, and the release of the tenant's lock on
 * condition that it is this run's. A lock that is no longer ours (it expired and another run took
 * it) is left alone, and the run finishes without it; a run no longer RUNNING is not written.
 */
async function finish(run: AnalysisRun, pointers: TransactItem[], update: TransactItem): Promise<void> {
  const release: TransactItem = {
    Delete: {
      TableName: domainTableName(),
      Key: activeRunKey(run.tenantId),
      ConditionExpression: 'runId = :runId',
      ExpressionAttributeValues: { ':runId': run.id },
    },
  };
  try {
    await writeItems([update, ...pointers, release]);
  } catch (error) {
    if (!(error instanceof WriteCancelledError)) throw error;
    if (error.reasons[0] === 'ConditionalCheckFailed') return;
    if (error.reasons.at(-1) !== 'ConditionalCheckFailed') throw error;
    await writeItems([update, ...pointers]).catch((again: unknown) => {
      if (!(again instanceof WriteCancelledError && again.reasons[0] === 'ConditionalCheckFailed'))
        throw again;
    });
  }
}
