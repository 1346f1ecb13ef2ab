import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { type ShardSummary, shardsToStart } from '../../local/streams/shards';

/**
 * A stream whose first shard split in two, and whose left child rolled over once more:
 *
 *   root ─┬─ left ── left-next
 *         └─ right
 *
 * DynamoDB Local seldom splits, so the decision is tested on a synthetic listing.
 */
const stream: ShardSummary[] = [
  { shardId: 'root' },
  { shardId: 'left', parentShardId: 'root' },
  { shardId: 'right', parentShardId: 'root' },
  { shardId: 'left-next', parentShardId: 'left' },
];
const start = (finished: string[], reading: string[] = [], shards = stream) =>
  shardsToStart(shards, new Set(finished), new Set(reading));

describe('which shards a consumer may start reading', () => {
  it('a fresh consumer starts at the root only: the children wait for their parent', () => {
    assert.deepEqual(start([]), ['root']);
  });

  it('a shard being read is not started twice', () => {
    assert.deepEqual(start([], ['root']), []);
  });

  it('both children start once the parent is finished, not before; a grandchild waits for its own parent', () => {
    assert.deepEqual(start(['root']), ['left', 'right']);
    assert.deepEqual(start(['root'], ['left']), ['right']);
    assert.deepEqual(start(['root', 'right'], ['left']), []);
    assert.deepEqual(start(['root', 'left'], ['right']), ['left-next']);
  });

  it('nothing is left once every shard is finished', () => {
    assert.deepEqual(start(['root', 'left', 'right', 'left-next']), []);
  });

  it('a child whose parent is no longer listed (trimmed after 24 hours) starts at once', () => {
    const trimmed = stream.filter((shard) => shard.shardId !== 'root');
    assert.deepEqual(start([], [], trimmed), ['left', 'right']);
  });

  it('keeps the listing’s order', () => {
    const shards: ShardSummary[] = [{ shardId: 'b' }, { shardId: 'a' }, { shardId: 'c' }];
    assert.deepEqual(start([], [], shards), ['b', 'a', 'c']);
  });
});
