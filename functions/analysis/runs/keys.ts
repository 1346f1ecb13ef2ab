import { entityKey, tenantKey } from '../../shared/db/keys';

/**
 * Where an analysis run and its results live in the domain table (docs/analysis.md):
 * - the run: its own partition, listed in the tenant's `ANALYSIS_RUNS` collection;
 * - the latest successful result of each kind: one partition per tenant, one item per kind, moved
 *   only when that kind succeeded — so a failed run leaves the previous results served;
 * - a run's results: one partition per run (segments, classifier, trends, each segment's open
 *   needs, each product's neighbours), expiring 90 days after the run.
 */
export const ANALYSIS_RUN_ENTITY = 'ANALYSIS_RUN';
export const ANALYSIS_RUNS_COLLECTION = 'ANALYSIS_RUNS';
export const ANALYSIS_KINDS = ['segments', 'classifier', 'trends', 'recommendations'] as const;
export type AnalysisKind = (typeof ANALYSIS_KINDS)[number];

export const runKey = (tenantId: string, runId: string) => entityKey(tenantId, ANALYSIS_RUN_ENTITY, runId);

export const latestKey = (tenantId: string, kind: AnalysisKind) => ({
  pk: `${tenantKey(tenantId)}#ANALYSIS_LATEST`,
  sk: kind,
});

export const resultPartition = (tenantId: string, runId: string) =>
  `${tenantKey(tenantId)}#ANALYSIS_RESULT#${runId}`;

export const resultKey = (tenantId: string, runId: string, sk: string) => ({
  pk: resultPartition(tenantId, runId),
  sk,
});

/** Sort keys of a run's result items. */
export const RESULT = {
  segments: 'SEGMENTS',
  classifier: 'CLASSIFIER',
  trends: 'TRENDS',
  popular: 'POPULAR',
  segmentNeeds: (segmentId: number) => `SEGMENT_NEEDS#${segmentId}`,
  neighbours: (productId: string) => `COOC#${productId}`,
} as const;

/** Result items expire this long after their run; each run refreshes what is latest. */
export const RESULT_RETENTION_DAYS = 90;
