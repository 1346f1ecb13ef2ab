import { requiredEnv } from '../shared/db/client';
import { tenantKey } from '../shared/db/keys';
import { type Family, shardCount } from './catalogue';

/**
 * The aggregates table. One item per (family, period kind, dimension, shard, period, group):
 *
 *   pk `T#<tenant>#AGG#<family>#<period kind>#<dimension>#<shard>`   e.g. `T#acme#AGG#revenue#month#country#2`
 *   sk `<period>#<group>`                                            e.g. `2026-03#DE`
 *
 * A report of one dimension over a range of periods is one Query per shard (`sk BETWEEN`), its
 * pages as long as the groups × periods asked for, whatever the number of needs or orders behind
 * them. Periods sort as text in time order (periods.ts) and never hold `#`, so the first `#` of a
 * sort key ends the period and the rest is the group, whatever it holds.
 */
export const aggregatesTableName = () => requiredEnv('AGGREGATES_TABLE_NAME');

export const aggregatePartition = (
  tenantId: string,
  family: Family,
  period: string,
  dimension: string,
  shard: number,
) => `${tenantKey(tenantId)}#AGG#${family}#${period}#${dimension}#${shard}`;

export const aggregateSortKey = (periodValue: string, group: string) => `${periodValue}#${group}`;

export function parseSortKey(sk: string): { period: string; group: string } {
  const cut = sk.indexOf('#');
  return { period: sk.slice(0, cut), group: sk.slice(cut + 1) };
}

/**
 * The shard of a record's contributions to a dimension: a hash of the need's or order's id, so a
 * record's old and new contributions land in the same shard and its changes cancel there.
 */
export function shardOf(family: Family, dimension: string, id: string): number {
  const shards = shardCount(family, dimension);
  if (shards === 1) return 0;
  // FNV-1a, 32 bits: ULIDs' random tail spreads evenly.
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/**
 * The marker of a stream record's applied updates (one per record, or per chunk of a record too
 * large for one transaction), written in the transaction of those updates: a record delivered
 * again finds it and is skipped. Its own partition per record, so markers never heat a partition.
 */
export const markerKey = (tenantId: string, eventId: string, chunk: number) => ({
  pk: `${tenantKey(tenantId)}#AGG#APPLIED#${eventId}`,
  sk: `${chunk}`,
});

/**
 * Markers outlive the stream's 24-hour retention, after which no record can be delivered again;
 * DynamoDB's TTL deletes them some time later.
 */
export const MARKER_RETENTION_SECONDS = 3 * 86_400;
