/**
 * Which shards of a stream a consumer may start reading. A DynamoDB stream is a tree of shards:
 * a shard closes (GetRecords stops returning a NextShardIterator once its last record is read)
 * and its children carry on. A key's later records are in a child, so a child is read only after
 * its parent is finished; otherwise a consumer could see a key's new image before its old one.
 */
export interface ShardSummary {
  shardId: string;
  parentShardId?: string;
}

/**
 * The shards to start now, parents before children, in the order listed: those neither finished
 * nor being read whose parent is finished — or is no longer listed, because the stream trimmed it
 * after its 24 hours (nothing is left in it to wait for).
 */
export function shardsToStart(
  shards: readonly ShardSummary[],
  finished: ReadonlySet<string>,
  reading: ReadonlySet<string>,
): string[] {
  const listed = new Set(shards.map((shard) => shard.shardId));
  return shards
    .filter(
      (shard) =>
        !finished.has(shard.shardId) &&
        !reading.has(shard.shardId) &&
        (shard.parentShardId === undefined ||
          finished.has(shard.parentShardId) ||
          !listed.has(shard.parentShardId)),
    )
    .map((shard) => shard.shardId);
}
