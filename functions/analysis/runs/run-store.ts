import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../../shared/db/client';
import { decodeCursor, encodeCursor } from '../../shared/db/cursor';
import { collectionKey } from '../../shared/db/keys';
import type { TransactItem } from '../../shared/db/transact-item';
import { NotFoundError } from '../../shared/http/errors';
import { ANALYSIS_RUN_ENTITY, ANALYSIS_RUNS_COLLECTION, runKey } from './keys';
import type { AnalysisRun } from './record';
import { type AnalysisRunView, AnalysisRun as RunSchema } from './schemas';

/**
 * Runs as stored: the run's own partition, listed in the tenant's `ANALYSIS_RUNS` collection on
 * `byTenantCollection` with the run's id (a ULID: creation order) as its sort key.
 */
const FIELDS = Object.keys(RunSchema.shape) as (keyof AnalysisRunView)[];

/** The API resource from a stored run: keys and internal attributes never leave the store. */
export function toRunView(item: Record<string, unknown>): AnalysisRunView {
  const run: Record<string, unknown> = {};
  for (const field of FIELDS) if (item[field] !== undefined) run[field] = item[field];
  return run as AnalysisRunView;
}

/** The new run's Put: refused if the id were taken (never, for a fresh ULID; it guards a retry's replay). */
export function runPut(run: AnalysisRun): TransactItem {
  return {
    Put: {
      TableName: domainTableName(),
      Item: {
        ...runKey(run.tenantId, run.id),
        entity: ANALYSIS_RUN_ENTITY,
        collectionPk: collectionKey(run.tenantId, ANALYSIS_RUNS_COLLECTION),
        collectionSk: run.id,
        ...run,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** One GetItem (consistent: a client polling a run it just created must find it). */
export async function getRun(tenantId: string, runId: string): Promise<AnalysisRunView> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: domainTableName(), Key: runKey(tenantId, runId), ConsistentRead: true }),
  );
  if (!Item) throw new NotFoundError('Analysis run', runId);
  return toRunView(Item);
}

const START_KEY = ['pk', 'sk', 'collectionPk', 'collectionSk'] as const;

/**
 * One page of the tenant's runs, newest first: one Query of the collection read backwards (the
 * ids are ULIDs, so backwards is newest first), one run more than the page so the last page
 * carries no cursor.
 */
export async function listRuns(
  tenantId: string,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: AnalysisRunView[]; nextCursor?: string }> {
  const partition = collectionKey(tenantId, ANALYSIS_RUNS_COLLECTION);
  const startKey = await decodeCursor(
    cursor,
    ANALYSIS_RUNS_COLLECTION,
    { attribute: 'collectionPk', value: partition },
    START_KEY,
  );
  const { Items = [] } = await documentClient.send(
    new QueryCommand({
      TableName: domainTableName(),
      IndexName: 'byTenantCollection',
      KeyConditionExpression: 'collectionPk = :p',
      ExpressionAttributeValues: { ':p': partition },
      ExclusiveStartKey: startKey,
      ScanIndexForward: false,
      Limit: limit + 1,
    }),
  );
  const page = Items.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    Items.length > limit && last
      ? await encodeCursor(
          ANALYSIS_RUNS_COLLECTION,
          Object.fromEntries(START_KEY.map((name) => [name, last[name]])),
        )
      : undefined;
  return { items: page.map(toRunView), ...(nextCursor ? { nextCursor } : {}) };
}
