import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../../shared/db/client';
import { type AnalysisKind, latestKey, RESULT, RESULT_RETENTION_DAYS, resultPartition } from './keys';
import { eachLimited } from './read-segments';

/**
 * Results expire RESULT_RETENTION_DAYS after their run, but the latest result of a kind is served
 * until a later run replaces it — which may be long after, when a kind keeps failing or being
 * insufficient, or is not asked. So each run looks at the pointers it does not move: when the
 * results one names would expire within REFRESH_WITHIN_DAYS, their `expiresAt` (the table's TTL
 * attribute) is pushed to
 * RESULT_RETENTION_DAYS from now (and the pointer's `resultsExpireAt` with it). That is a few
 * writes per kind every two months or so, never per run; older runs' results expire as planned.
 */
export const REFRESH_WITHIN_DAYS = 30;
const DAY_SECONDS = 86_400;
const CONCURRENCY = 8;

/** The sort keys of a kind's result items begin with these. */
const PREFIXES: Record<AnalysisKind, string[]> = {
  segments: [RESULT.segments, RESULT.segmentNeeds(0).replace(/\d+$/, '')],
  classifier: [RESULT.classifier],
  trends: [RESULT.trends],
  recommendations: [RESULT.popular, RESULT.neighbours('')],
};

export const resultsExpireAt = (now: Date) =>
  Math.floor(now.getTime() / 1000) + RESULT_RETENTION_DAYS * DAY_SECONDS;

/** Extends the served results of `kinds` that would expire soon; answers how many items it extended. */
export async function keepServedResults(
  tenantId: string,
  kinds: readonly AnalysisKind[],
  now: Date,
): Promise<number> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const expiresAt = resultsExpireAt(now);
  let extended = 0;
  for (const kind of kinds) {
    const { Item: pointer } = await documentClient.send(
      new GetCommand({ TableName: domainTableName(), Key: latestKey(tenantId, kind), ConsistentRead: true }),
    );
    if (!pointer) continue;
    const servedUntil = pointer.resultsExpireAt as number | undefined;
    if (servedUntil !== undefined && servedUntil > nowSeconds + REFRESH_WITHIN_DAYS * DAY_SECONDS) continue;
    const keys = await resultKeys(tenantId, pointer.runId as string, PREFIXES[kind]);
    await eachLimited(keys, CONCURRENCY, async (Key) => {
      await documentClient.send(
        new UpdateCommand({
          TableName: domainTableName(),
          Key,
          UpdateExpression: 'SET expiresAt = :expiresAt',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':expiresAt': expiresAt },
        }),
      );
    });
    extended += keys.length;
    await documentClient.send(
      new UpdateCommand({
        TableName: domainTableName(),
        Key: latestKey(tenantId, kind),
        UpdateExpression: 'SET resultsExpireAt = :expiresAt',
        ConditionExpression: 'runId = :runId',
        ExpressionAttributeValues: { ':expiresAt': expiresAt, ':runId': pointer.runId },
      }),
    );
  }
  return extended;
}

async function resultKeys(tenantId: string, runId: string, prefixes: readonly string[]) {
  const keys: { pk: string; sk: string }[] = [];
  for (const prefix of prefixes) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documentClient.send(
        new QueryCommand({
          TableName: domainTableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': resultPartition(tenantId, runId), ':prefix': prefix },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) keys.push({ pk: item.pk as string, sk: item.sk as string });
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return keys;
}
