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

  it('when the page fills, says more only while a partition has items buffered or unread', async () => {
    const merge = (sources: SortedSource<string>[]) =>
      mergeSorted({ sources, sortKey: (k) => k, keep: () => true, limit: 2, maxReads: 12 });
    // The last items of every partition fill the page exactly: nothing is left.
    assert.deepEqual(await merge([source(['a'], 3), source(['b'], 3)]), {
      items: ['a', 'b'],
      position: 'b',
      more: false,
    });
    // The buffer is empty but the partition has a page unread.
    assert.deepEqual(await merge([source(['a', 'b', 'c'], 2)]), {
      items: ['a', 'b'],
      position: 'b',
      more: true,
    });
    // The partition is read to its end but an item is still buffered.
    assert.deepEqual(await merge([source(['a', 'b', 'c'], 3)]), {
      items: ['a', 'b'],
      position: 'b',
      more: true,
    });
  });

  it('says no more when its read budget ran out before it could look at any item', async () => {
    // DynamoDB may answer a page with no items and a LastEvaluatedKey; with no position there is
    // nothing the next page could start after, so "more" would only start the same page again.
    const empty: SortedSource<string> = { read: async () => ({ items: [], lastKey: { i: '0' } }) };
    const result = await mergeSorted({
      sources: [empty],
      sortKey: (k) => k,
      keep: () => true,
      limit: 1,
      maxReads: 1,
    });
    assert.deepEqual(result, { items: [], position: undefined, more: false });
  });

  it('takes equal keys in the order of the sources (a stable merge)', async () => {
    const from = (name: string): SortedSource<{ key: string; from: string }> => ({
      read: async () => ({ items: [{ key: 'same', from: name }] }),
    });
    const merge = (limit: number) =>
      mergeSorted({
        sources: [from('first'), from('second')],
        sortKey: (item) => item.key,
        keep: () => true,
        limit,
        maxReads: 12,
      });
    assert.deepEqual((await merge(1)).items, [{ key: 'same', from: 'first' }]);
    assert.deepEqual(
      (await merge(2)).items.map((item) => item.from),
      ['first', 'second'],
    );
  });
});
