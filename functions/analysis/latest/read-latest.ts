import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../../shared/db/client';
import { type AnalysisKind, latestKey, resultKey } from '../runs/keys';

/** The latest successful result of a kind: the run that produced it and when (runs/keys.ts). */
export interface LatestPointer {
  runId: string;
  finishedAt: string;
  summary?: Record<string, unknown>;
}

/** One GetItem (eventually consistent: a result a second old is as good). */
export async function readLatest(tenantId: string, kind: AnalysisKind): Promise<LatestPointer | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: domainTableName(), Key: latestKey(tenantId, kind) }),
  );
  return Item ? (Item as unknown as LatestPointer) : undefined;
}

/** One result item of a run, or undefined (never written, or expired with its run). */
export async function readResult(
  tenantId: string,
  runId: string,
  sk: string,
  attributes?: readonly string[],
): Promise<Record<string, unknown> | undefined> {
  const projection = attributes?.length
    ? {
        ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name])),
      }
    : {};
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: domainTableName(), Key: resultKey(tenantId, runId, sk), ...projection }),
  );
  return Item;
}

/**
 * The latest result of a kind with its run: the pointer, then the run's result item. Undefined
 * when no run produced one yet, or when it expired (a tenant that stopped running its analysis
 * for longer than the results are kept).
 */
export async function readLatestResult(
  tenantId: string,
  kind: AnalysisKind,
  sk: string,
  attributes?: readonly string[],
): Promise<{ pointer: LatestPointer; item: Record<string, unknown> } | undefined> {
  const pointer = await readLatest(tenantId, kind);
  if (!pointer) return undefined;
  const item = await readResult(tenantId, pointer.runId, sk, attributes);
  return item ? { pointer, item } : undefined;
}
