/**
 * What the readers of one stream have learnt about where its shards end, so that eight consumers
 * at the tip of a shard do not each ask DynamoDB Local the same question a few milliseconds apart.
 *
 * Lambda's event source mappings each read every shard on their own, and so did the twin's
 * readers: in a twin test, 8 consumers polling an idle shard made four of every five GetRecords
 * calls, each an empty answer that costs DynamoDB Local real CPU (order-lifecycle: 777 empty,
 * 170 with records). Now a reader whose position equals that of a read which just found nothing
 * takes that answer as its own, when nothing could have changed it:
 * - the read started after the reader's last `drained()` generation (a drain still sees
 *   everything written before it),
 * - no `poke()` came since that read started (the twin pokes on each write of its functions),
 * - it started less than one poll interval ago (a write from outside the twin, which pokes
 *   nothing, reaches a consumer at most one interval later than before).
 * Records themselves are not shared: each consumer still reads and checkpoints its own.
 */

/** Where a read began and what it saw then: nothing after `after`. */
export interface EmptyRead {
  /** The reader's position: the last sequence number it had read, '' before its first record. */
  after: string;
  generation: number;
  pokes: number;
  /** When the read started (the context's monotonic clock, ms). */
  startedAt: number;
}

export class ShardTips {
  private readonly empty = new Map<string, EmptyRead>();

  /** A read of `shardId` that began as `read` says found nothing after its position. */
  foundNothing(shardId: string, read: EmptyRead): void {
    const known = this.empty.get(shardId);
    if (known === undefined || known.after !== read.after || known.startedAt <= read.startedAt) {
      this.empty.set(shardId, read);
    }
  }

  /** A read after `after` found records: what was known to follow it no longer holds. */
  foundRecords(shardId: string, after: string): void {
    if (this.empty.get(shardId)?.after === after) this.empty.delete(shardId);
  }

  /** Whether a read of `shardId` after `read.after`, starting now, would be answered by a recent empty one. */
  answered(shardId: string, read: EmptyRead, freshForMs: number): boolean {
    const known = this.empty.get(shardId);
    return (
      known !== undefined &&
      known.after === read.after &&
      known.generation >= read.generation &&
      known.pokes === read.pokes &&
      read.startedAt - known.startedAt < freshForMs
    );
  }
}
