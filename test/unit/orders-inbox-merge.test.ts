import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { mergeSorted, type SortedSource } from '../../functions/orders/approval-inbox';

/** A sorted source served `pageSize` at a time, counting its reads; `after` plays the key condition. */
function source(keys: string[], pageSize: number, after?: string) {
  const items = keys.filter((k) => after === undefined || k > after).sort();
  const counter = { reads: 0 };
  const read: SortedSource<string>['read'] = async (startKey) => {
    counter.reads++;
    const from = startKey ? Number(startKey.i) : 0;
    const page = items.slice(from, from + pageSize);
    const next = from + pageSize;
    return { items: page, ...(next < items.length ? { lastKey: { i: String(next) } } : {}) };
  };
  return { read, counter };
}

async function pages(lists: string[][], keep: (k: string) => boolean, limit: number, maxReads = 12) {
  const out: string[][] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const sources = lists.map((keys) => source(keys, limit + 1, after));
    const page = await mergeSorted({ sources, sortKey: (k) => k, keep, limit, maxReads });
    out.push(page.items);
    if (!page.more) return out;
    after = page.position;
  }
  throw new Error('did not end');
}

describe('merging sorted inbox partitions', () => {
  const approver = ['a01', 'a04', 'a05', 'a09', 'a10'];
  const admin = ['a02', 'a03', 'a11'];
  const sales = ['a06', 'a07', 'a08'];

  it('merges partitions in order, one page after another, without gap or repeat', async () => {
    const all = [...approver, ...admin, ...sales].sort();
    for (const limit of [1, 2, 3, 5, 25]) {
      const result = await pages([approver, admin, sales], () => true, limit);
      assert.deepEqual(result.flat(), all, `limit ${limit}`);
      assert.ok(result.slice(0, -1).every((p) => p.length === limit));
    }
  });

  it('leaves items out without losing the place, however many in a row', async () => {
    const keep = (k: string) => ['a01', 'a10', 'a11'].includes(k);
    for (const limit of [1, 2]) {
      assert.deepEqual((await pages([approver, admin, sales], keep, limit)).flat(), ['a01', 'a10', 'a11']);
    }
  });

  it('stops at its read budget with a position from which the next page carries on', async () => {
    const many = Array.from({ length: 40 }, (_, i) => `b${String(i).padStart(2, '0')}`);
    const sources = [source(many, 2)];
    const first = await mergeSorted({
      sources,
      sortKey: (k) => k,
      keep: (k) => k === 'b39',
      limit: 1,
      maxReads: 3,
    });
    assert.deepEqual(first, { items: [], position: 'b05', more: true });
    assert.equal(sources[0]?.counter.reads, 3);
    assert.deepEqual((await pages([many], (k) => k === 'b39', 1, 3)).flat(), ['b39']);
  });

  it('ends with nothing more when every partition is read', async () => {
    const result = await mergeSorted({
      sources: [source([], 3), source(['x'], 3)],
      sortKey: (k) => k,
      keep: () => true,
      limit: 2,
      maxReads: 12,
    });
    assert.deepEqual(result, { items: ['x'], position: 'x', more: false });
  });
});
