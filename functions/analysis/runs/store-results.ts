import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../../shared/db/client';
import { modelToBytes } from '../classifier';
import { storeRecommendationModel } from '../recommendations/store';
import { writeCustomerSegments } from './customer-segments';
import { type AnalysisKind, RESULT, RESULT_RETENTION_DAYS, resultKey } from './keys';
import type { OpenNeedsFold } from './open-needs';
import type { ClassifierValue, KindValues, SegmentsValue, TrendsValue } from './run-kinds';

/**
 * A run's results, in its own partition (keys.ts), each item expiring RESULT_RETENTION_DAYS after
 * the run (`expiresAt`, epoch seconds: the domain table's TTL attribute). Written before the run's last write moves the latest pointers:
 * until then nothing reads them, so a run that dies half-way leaves items that nobody serves and
 * that expire. The shapes, as the API's readers take them:
 * - SEGMENTS: `k`, `chosenBy`, `candidates` (k, silhouette, inertia, sizes, iterations),
 *   `silhouetteSample`, `features`, `segments` (id, label, size, centroid in original units,
 *   distinctive features), `customers`, `mainCurrency`;
 * - SEGMENT_NEEDS#<id>: `segmentId`, `label`, `needs` (needId, title, type, estimatedValue,
 *   customerId), at most 20, largest first (open-needs.ts);
 * - CLASSIFIER: `labels` (the types it suggests), `metrics`, `baselines`, `training`, `counts`, `excluded`, `sample` (labelled needs
 *   seen, kept, whether sampled), `model` (Binary, B's modelToBytes, ≤ 300,000 bytes), `modelBytes`;
 * - TRENDS: `timeZone`, `series` (B's SeriesTrend, the largest series first while the item stays
 *   under TRENDS_MAX_BYTES), `omitted` (series left out for size);
 * - COOC#<productId> and POPULAR: C's store (recommendations/store.ts).
 * Numbers that are not finite (a silhouette of one cluster, a ratio over 0) are stored as null:
 * DynamoDB has no NaN. Bytes (the model) are stored as they are: a Binary attribute.
 */
export const RESULT_ENTITY = 'ANALYSIS_RESULT';
/** DynamoDB's item limit is 400 KB; the trends item keeps well under it. */
export const TRENDS_MAX_BYTES = 300_000;
const DAY_SECONDS = 86_400;

export interface StoreContext {
  tenantId: string;
  runId: string;
  now: Date;
}

/** What a kind's store adds to its summary (items written). */
export type Stored = Record<string, unknown>;

/** Plain JSON data DynamoDB takes: typed arrays as lists, non-finite numbers as null. */
export function storable(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (ArrayBuffer.isView(value) && !(value instanceof Uint8Array))
    return Array.from(value as unknown as ArrayLike<number>, (v) => storable(v));
  if (Array.isArray(value)) return value.map(storable);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array))
    return Object.fromEntries(
      Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : [[k, storable(v)]])),
    );
  return value;
}

const expiresAtOf = (now: Date) => Math.floor(now.getTime() / 1000) + RESULT_RETENTION_DAYS * DAY_SECONDS;

async function put(ctx: StoreContext, kind: AnalysisKind, sk: string, fields: Record<string, unknown>) {
  await documentClient.send(
    new PutCommand({
      TableName: domainTableName(),
      Item: {
        ...resultKey(ctx.tenantId, ctx.runId, sk),
        entity: RESULT_ENTITY,
        kind,
        tenantId: ctx.tenantId,
        runId: ctx.runId,
        createdAt: ctx.now.toISOString(),
        expiresAt: expiresAtOf(ctx.now),
        ...(storable(fields) as Record<string, unknown>),
      },
    }),
  );
}

export async function storeSegments(
  ctx: StoreContext,
  value: SegmentsValue,
  openNeeds: OpenNeedsFold,
): Promise<Stored> {
  const { table, result, mainCurrency } = value;
  const { assignments: _rows, ...summary } = result;
  await put(ctx, 'segments', RESULT.segments, { ...summary, customers: table.ids.length, mainCurrency });
  const lists = openNeeds.bySegment(table.ids, result.assignments, result.k, mainCurrency);
  await Promise.all(
    result.segments.map((segment) =>
      put(ctx, 'segments', RESULT.segmentNeeds(segment.id), {
        segmentId: segment.id,
        label: segment.label,
        needs: lists[segment.id] ?? [],
      }),
    ),
  );
  const customers = await writeCustomerSegments({
    tenantId: ctx.tenantId,
    runId: ctx.runId,
    at: ctx.now.toISOString(),
    customerIds: table.ids,
    assignments: result.assignments,
    labels: result.segments.map((s) => s.label),
  });
  return { customersAssigned: customers.written, customersGone: customers.gone };
}

export async function storeClassifier(ctx: StoreContext, value: ClassifierValue): Promise<Stored> {
  const { outcome, sample } = value;
  const model = modelToBytes(outcome.model);
  await put(ctx, 'classifier', RESULT.classifier, {
    labels: outcome.model.labels,
    metrics: outcome.metrics,
    baselines: outcome.baselines,
    training: outcome.training,
    counts: outcome.counts,
    excluded: outcome.excluded,
    sample,
    modelBytes: model.byteLength,
    model,
  });
  return { modelBytes: model.byteLength };
}

export async function storeTrends(ctx: StoreContext, value: TrendsValue): Promise<Stored> {
  // The series with the most needs in their shown weeks first, while the item stays small enough.
  const volume = (t: TrendsValue['trends'][number]) => t.weeks.reduce((sum, w) => sum + w.count, 0);
  const ranked = [...value.trends].sort((a, b) => volume(b) - volume(a) || (a.key < b.key ? -1 : 1));
  const series: unknown[] = [];
  let bytes = 0;
  for (const trend of ranked) {
    const size = Buffer.byteLength(JSON.stringify(storable(trend)));
    if (bytes + size > TRENDS_MAX_BYTES) break;
    series.push(trend);
    bytes += size;
  }
  await put(ctx, 'trends', RESULT.trends, {
    timeZone: value.timeZone,
    series,
    omitted: ranked.length - series.length,
  });
  return { seriesStored: series.length, seriesOmitted: ranked.length - series.length };
}

export async function storeRecommendations(
  ctx: StoreContext,
  model: KindValues['recommendations'],
): Promise<Stored> {
  const { items } = await storeRecommendationModel(ctx.tenantId, ctx.runId, model, ctx.now);
  return { items };
}
