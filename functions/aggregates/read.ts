import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/db/client';
import { type Family, shardCount } from './catalogue';
import type { Measures } from './contributions';
import { aggregatePartition, aggregatesTableName, parseSortKey } from './keys';

/**
 * Reads the aggregates of one family and dimension over a span of periods: one Query per shard,
 * run together, their items summed per (period, group). Pages hold at most `limit` items per shard;
 * a page ends where the shortest shard's page ended, so a row is never split across two pages.
 * Rows whose every measure is 0 (everything they counted moved elsewhere) are left out.
 */
export interface AggregateRow {
  period: string;
  group: string;
  measures: Measures;
}

export interface AggregateQuery {
  tenantId: string;
  family: Family;
  /** `day`, `week`, `month`, or `all` (the pipeline over all time). */
  period: string;
  dimension: string;
  /** The first and last period, inclusive. */
  first: string;
  last: string;
  limit: number;
  /** The sort key the last page ended at. */
  after?: string;
}

export interface AggregatePage {
  rows: AggregateRow[];
  /** Where this page ended, when there is more: `after` of the next page. */
  endedAt?: string;
}

/** The partition a cursor of this query is bound to (its first shard's). */
export const cursorPartition = (q: AggregateQuery) =>
  aggregatePartition(q.tenantId, q.family, q.period, q.dimension, 0);

export async function readAggregates(q: AggregateQuery): Promise<AggregatePage> {
  const shards = Array.from({ length: shardCount(q.family, q.dimension) }, (_, shard) =>
    aggregatePartition(q.tenantId, q.family, q.period, q.dimension, shard),
  );
  const pages = await Promise.all(
    shards.map((pk) =>
      documentClient.send(
        new QueryCommand({
          TableName: aggregatesTableName(),
          // Every sort key of a period starts `<period>#`; `$` sorts right after `#`.
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': pk, ':lo': `${q.first}#`, ':hi': `${q.last}$` },
          Limit: q.limit,
          ...(q.after ? { ExclusiveStartKey: { pk, sk: q.after } } : {}),
        }),
      ),
    ),
  );
  let endedAt: string | undefined;
  for (const page of pages) {
    const sk = page.LastEvaluatedKey?.sk as string | undefined;
    if (sk !== undefined && (endedAt === undefined || byteOrder(sk, endedAt) < 0)) endedAt = sk;
  }
  const sums = new Map<string, Measures>();
  for (const page of pages) {
    for (const item of page.Items ?? []) {
      const sk = item.sk as string;
      if (endedAt !== undefined && byteOrder(sk, endedAt) > 0) continue;
      const sum = sums.get(sk) ?? {};
      for (const [name, value] of Object.entries(item)) {
        if (name === 'pk' || name === 'sk' || typeof value !== 'number') continue;
        sum[name] = (sum[name] ?? 0) + value;
      }
      sums.set(sk, sum);
    }
  }
  const rows = [...sums]
    .filter(([, measures]) => Object.values(measures).some((value) => value !== 0))
    .sort(([a], [b]) => byteOrder(a, b))
    .map(([sk, measures]) => ({ ...parseSortKey(sk), measures }));
  return endedAt === undefined ? { rows } : { rows, endedAt };
}

/** DynamoDB orders sort keys by their UTF-8 bytes, which is not JavaScript's UTF-16 order. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
