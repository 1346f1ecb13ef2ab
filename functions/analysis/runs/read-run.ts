import type { RunFold } from './fold-run';
import type { AnalysisKind } from './keys';
import type { ProgressReporter } from './progress';
import { expectedCounts } from './read-expected';
import {
  eachLimited,
  type PartitionRead,
  planSegments,
  type RawItem,
  type ReadCounter,
  readSegment,
  type Segment,
} from './read-segments';
import { customerRead, needReads, orderReads, productRead } from './read-sources';

/**
 * The reading phase of a run: what its kinds need, read with parallel segmented Queries and folded
 * page by page (fold-run.ts).
 *
 * 1. The expected counts from the aggregates (read-expected.ts), when needs or orders are read.
 * 2. Products (each need's categories come from them) and customers, side by side.
 * 3. Orders and needs: every partition probed for its first and last key, cut into segments, and
 *    all segments read through one pool of READ_CONCURRENCY Queries.
 */
export const READ_CONCURRENCY = 16;

type PageFold = (items: readonly RawItem[]) => void;

export interface ReadPlan {
  needs: boolean;
  orders: boolean;
  customers: boolean;
  products: boolean;
}

/** Which records the asked kinds need: none is read for nothing. */
export function readPlan(kinds: readonly AnalysisKind[]): ReadPlan {
  const asked = (...some: AnalysisKind[]) => some.some((kind) => kinds.includes(kind));
  return {
    needs: asked('segments', 'classifier', 'trends'),
    orders: asked('segments', 'recommendations'),
    customers: asked('segments'),
    // A need's categories are its products': for the trends per category.
    products: asked('trends'),
  };
}

export interface ReadSummary {
  reads: Record<string, ReadCounter>;
  fromAggregates: string[];
}

export async function readRun(
  tenantId: string,
  plan: ReadPlan,
  fold: RunFold,
  progress: ProgressReporter,
  options: { concurrency?: number } = {},
): Promise<ReadSummary> {
  const concurrency = options.concurrency ?? READ_CONCURRENCY;
  const reads: Record<string, ReadCounter> = {};
  const counterOf = (source: string) => {
    reads[source] ??= { items: 0, readUnits: 0 };
    return reads[source];
  };
  // Every kind reads needs or orders (readPlan), so their counts are always expected: three
  // Queries of the aggregates, which also tell what the progress bar counts up to.
  const expected = await expectedCounts(tenantId);

  const catalogue: [PartitionRead, PageFold][] = [];
  if (plan.products) catalogue.push([productRead(tenantId), (items) => fold.products(items)]);
  if (plan.customers) catalogue.push([customerRead(tenantId), (items) => fold.customerItems(items)]);
  await readAll(catalogue, concurrency, counterOf, progress);

  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  progress.expect(
    progress.records + (plan.orders ? sum(expected.orders) : 0) + (plan.needs ? sum(expected.needs) : 0),
  );

  const records: [PartitionRead, PageFold][] = [];
  if (plan.orders)
    for (const read of orderReads(tenantId, expected)) records.push([read, (items) => fold.orders(items)]);
  if (plan.needs)
    for (const { status, read } of needReads(tenantId, expected))
      records.push([read, (items) => fold.needs(items, status)]);
  await readAll(records, concurrency, counterOf, progress);
  progress.doneReading();
  return { reads, fromAggregates: expected.sources };
}

/** Probes every partition, then reads all their segments through one pool. */
async function readAll(
  partitions: [PartitionRead, PageFold][],
  concurrency: number,
  counterOf: (source: string) => ReadCounter,
  progress: ProgressReporter,
): Promise<void> {
  const planned = await Promise.all(
    partitions.map(async ([read, fold]) => ({
      segments: await planSegments(read, counterOf(read.source)),
      fold,
    })),
  );
  const tasks = planned.flatMap(({ segments, fold }) =>
    segments.map((segment): [Segment, typeof fold] => [segment, fold]),
  );
  await eachLimited(tasks, concurrency, ([segment, fold]) =>
    readSegment(
      segment,
      (items) => {
        fold(items);
        progress.read(items.length);
      },
      counterOf(segment.read.source),
    ),
  );
}
