/**
 * Table access this module needs (the consumer that calls executeRun — D1's startAnalysisRuns —
 * must be granted all of it in functions/manifest.ts):
 * - domain: Query (needs' STATUS partitions, ordersByStatus, byTenantCollection for customers and
 *   products, an older run's result partition when its TTL is extended), GetItem (the run, the
 *   tenant's settings, a latest pointer), UpdateItem (the run's status and progress, each
 *   customer's segment, a result's TTL, a pointer's expiry), PutItem (result items, C's COOC#/POPULAR,
 *   the latest pointers — these in the run's last transaction), DeleteItem (the active-run lock,
 *   in the last transaction);
 * - aggregates: Query (expected counts).
 * Lambda: 900 s and 1,769 MB or more (one full vCPU): docs/analysis.md "How a run reads, and what it costs".
 */
import { getTenantSettings } from '../../settings/tenant-store';
import { logger } from '../../shared/logger';
import { seededRandom } from '../random';
import { failRun, startRun, succeedRun } from './finish';
import { RunFold } from './fold-run';
import { ANALYSIS_KINDS, type AnalysisKind } from './keys';
import { type ProgressOptions, ProgressReporter, RunNoLongerRunningError } from './progress';
import { readPlan, readRun } from './read-run';
import type { AnalysisRun, KindResult, RunPhase } from './record';
import { keepServedResults, resultsExpireAt } from './result-retention';
import {
  computeKind,
  KIND_COMPUTATIONS,
  type KindComputation,
  type KindInputs,
  type KindOutcome,
  type KindValues,
} from './run-kinds';
import {
  type StoreContext,
  type Stored,
  storeClassifier,
  storeRecommendations,
  storeSegments,
  storeTrends,
} from './store-results';

/**
 * Runs a QUEUED analysis run to its end (called by the stream consumer that sees it queued):
 * 1. RUNNING (finish.ts; a run found RUNNING already is an attempt that died: FAILED, with why);
 * 2. reading, folded page by page with bounded memory (read-run.ts, fold-run.ts);
 * 3. each asked kind, on its own (run-kinds.ts): ok, insufficient or failed;
 * 4. storing each ok kind's results (store-results.ts; customers' segments), then one transaction:
 *    SUCCEEDED, the ok kinds' latest pointers moved, the tenant's lock released.
 * The run's item shows the phase and progress throughout (progress.ts). A run that fails — its
 * reading, or anything outside one kind — is FAILED with the message and the phase, and every
 * latest pointer stays where it was: the previous results are still served.
 *
 * It throws only when it could not record the outcome (DynamoDB unreachable): the stream then
 * delivers the run again, and that attempt finds it RUNNING and fails it as interrupted.
 */
export interface ExecuteDeps {
  now?: () => Date;
  progress?: ProgressOptions;
  readConcurrency?: number;
  /** Labelled texts kept for the classifier (fold-texts.ts); 20,000 unless given. */
  textCap?: number;
  /** Replaces kinds' computations: a test's way to make one kind fail. */
  computations?: Partial<{ [K in AnalysisKind]: KindComputation<K> }>;
  /**
   * Called as the run reaches each step — `reading`, each kind, `storing`, `stored:<kind>`,
   * `finishing` — a test's way to make the run fail there, or stop there as a crash would, and
   * the benchmark's way to time each step.
   */
  checkpoint?: (step: string) => void | Promise<void>;
}

export async function executeRun(run: AnalysisRun, deps: ExecuteDeps = {}): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  if ((await startRun(run, startedAt)) !== 'started') return;
  const progress = new ProgressReporter(run.tenantId, run.id, {
    clock: () => now().getTime(),
    ...deps.progress,
  });
  const results: Partial<Record<AnalysisKind, KindResult>> = {};
  let phase: RunPhase = 'reading';
  try {
    await deps.checkpoint?.('reading');
    await progress.enter('reading');
    const { timeZone } = await getTenantSettings(run.tenantId);
    const fold = new RunFold({
      timeZone,
      random: seededRandom(run.parameters.seed),
      ...(deps.textCap ? { textCap: deps.textCap } : {}),
    });
    const read = await readRun(run.tenantId, readPlan(run.kinds), fold, progress, {
      ...(deps.readConcurrency ? { concurrency: deps.readConcurrency } : {}),
    });

    const outcomes: Partial<Record<AnalysisKind, KindOutcome>> = {};
    const inputs: KindInputs = { run, fold, now: now(), timeZone };
    for (const kind of ANALYSIS_KINDS.filter((k) => run.kinds.includes(k))) {
      phase = kind;
      await progress.enter(kind);
      await deps.checkpoint?.(kind);
      const compute = (deps.computations?.[kind] ?? KIND_COMPUTATIONS[kind]) as KindComputation;
      outcomes[kind] = computeKind(compute, inputs);
      results[kind] = outcomes[kind].result;
    }

    phase = 'storing';
    await progress.enter('storing');
    await deps.checkpoint?.('storing');
    const storedAt = now();
    const context: StoreContext = { tenantId: run.tenantId, runId: run.id, now: storedAt };
    for (const [kind, outcome] of Object.entries(outcomes) as [AnalysisKind, KindOutcome][]) {
      if (!('value' in outcome)) continue;
      try {
        const stored = await store(kind, outcome.value, context, fold);
        results[kind] = { ...outcome.result, summary: { ...outcome.result.summary, ...stored } };
      } catch (error) {
        if (error instanceof RunNoLongerRunningError) throw error;
        results[kind] = {
          status: 'failed',
          reason: `storing its results failed: ${(error as Error).message}`,
        };
      }
      await deps.checkpoint?.(`stored:${kind}`);
    }
    const kept = ANALYSIS_KINDS.filter((kind) => results[kind]?.status !== 'ok');
    await keepServedResults(run.tenantId, kept, storedAt).catch((error: unknown) =>
      logger.warn('served analysis results not extended', { runId: run.id, error: error as Error }),
    );

    await deps.checkpoint?.('finishing');
    await progress.settle();
    const finishedAt = now();
    await succeedRun(run, {
      now: finishedAt,
      startedAt: startedAt.toISOString(),
      progress: progress.current(),
      inputs: {
        customers: fold.counts.customers,
        orders: fold.counts.orders,
        needs: fold.counts.needs,
        labelledNeeds: fold.counts.labelledNeeds,
        reads: read.reads,
        fromAggregates: read.fromAggregates,
      },
      results,
      resultsExpireAt: resultsExpireAt(storedAt),
    });
  } catch (error) {
    await progress.settle().catch(() => undefined);
    if (error instanceof RunNoLongerRunningError) return;
    logger.error('analysis run failed', { runId: run.id, phase, error: error as Error });
    await failRun(run, {
      phase,
      message: (error as Error).message || String(error),
      now: now(),
      startedAt: startedAt.toISOString(),
      progress: progress.current(),
      ...(Object.keys(results).length ? { results } : {}),
    });
  }
}

function store(kind: AnalysisKind, value: unknown, context: StoreContext, fold: RunFold): Promise<Stored> {
  switch (kind) {
    case 'segments':
      return storeSegments(context, value as KindValues['segments'], fold.openNeeds);
    case 'classifier':
      return storeClassifier(context, value as KindValues['classifier']);
    case 'trends':
      return storeTrends(context, value as KindValues['trends']);
    case 'recommendations':
      return storeRecommendations(context, value as KindValues['recommendations']);
  }
}
