import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../../shared/db/client';
import { RESULT, RESULT_RETENTION_DAYS, resultKey } from '../runs/keys';
import type { CooccurrenceModel } from './model';

/** PutItems in flight at once: enough to hide latency, few enough not to burst a table's capacity. */
const CONCURRENCY = 8;
const DAY_SECONDS = 86_400;

/**
 * Writes a run's recommendation model into the run's result partition: one item per product
 * with neighbours (`COOC#<productId>`, the endpoint reads a customer's products' lists with one
 * BatchGetItem) and one of the popular products (`POPULAR`). Items expire 90 days after the run.
 * Plain PutItems, not a transaction: the latest pointer (written by the run after this) is what
 * makes them served, so a run that fails half-way leaves unreachable items that expire.
 */
export async function storeRecommendationModel(
  tenantId: string,
  runId: string,
  model: CooccurrenceModel,
  now: Date = new Date(),
): Promise<{ items: number }> {
  const expiresAt = Math.floor(now.getTime() / 1000) + RESULT_RETENTION_DAYS * DAY_SECONDS;
  const common = { entity: 'ANALYSIS_RESULT', kind: 'recommendations', tenantId, runId, expiresAt };
  const items: Record<string, unknown>[] = [
    {
      ...resultKey(tenantId, runId, RESULT.popular),
      ...common,
      popular: model.popular,
      baskets: model.baskets,
    },
    ...Object.entries(model.neighbours)
      .filter(([, neighbours]) => neighbours.length > 0)
      .map(([productId, neighbours]) => ({
        ...resultKey(tenantId, runId, RESULT.neighbours(productId)),
        ...common,
        productId,
        neighbours,
      })),
  ];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const Item = items[next++];
      await documentClient.send(new PutCommand({ TableName: domainTableName(), Item }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return { items: items.length };
}
