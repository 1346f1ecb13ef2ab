import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { AggregateUpdate } from '../../functions/aggregates/contributions';
import { planTransactions, type RecordWork, withoutRecords } from '../../functions/aggregates/plan';

const update = (key: string, n = 1): AggregateUpdate => ({ pk: `T#t#AGG#${key}`, sk: 'x', add: { n } });
const record = (index: number, keys: string[]): RecordWork => ({
  index,
  tenantId: 't',
  eventId: `e${index}`,
  updates: keys.map((key) => update(key)),
});
const keys = (n: number, prefix = 'k') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

describe('planning a batch into transactions', () => {
  it('lets small records share a transaction, their updates summed per item, one marker each', () => {
    const plan = planTransactions([record(0, ['a', 'b']), record(1, ['a', 'c']), record(2, ['a'])]);
    assert.equal(plan.length, 1);
    assert.deepEqual(
      plan[0]?.markers.map((m) => [m.eventId, m.chunk, m.record]),
      [
        ['e0', 0, 0],
        ['e1', 0, 1],
        ['e2', 0, 2],
      ],
    );
    assert.deepEqual(
      plan[0]?.updates.map((u) => [u.pk.slice(8), u.add.n]),
      [
        ['a', 3],
        ['b', 1],
        ['c', 1],
      ],
    );
  });

  it('starts a new transaction where the next record’s new items and marker would pass 100', () => {
    const plan = planTransactions([
      record(0, keys(60, 'x')),
      record(1, keys(38, 'y')),
      record(2, keys(10, 'x')),
    ]);
    // 60 + 1 and 38 + 1 make 100; the third record’s items are all in the first already, but its marker is not.
    assert.deepEqual(
      plan.map((t) => [t.markers.map((m) => m.record), t.updates.length]),
      [
        [[0, 1], 98],
        [[2], 10],
      ],
    );
    for (const t of plan) assert.ok(t.markers.length + t.updates.length <= 100);
  });

  it('writes a record too large for one transaction alone, in chunks of 99 in key order, a marker per chunk', () => {
    const big = record(1, keys(250).reverse());
    big.updates.sort((a, b) => (a.pk < b.pk ? -1 : 1));
    const plan = planTransactions([record(0, ['a']), big, record(2, ['b'])]);
    assert.deepEqual(
      plan.map((t) => [t.markers.map((m) => `${m.eventId}#${m.chunk}`), t.updates.length]),
      [
        [['e0#0'], 1],
        [['e1#0'], 99],
        [['e1#1'], 99],
        [['e1#2'], 52],
        [['e2#0'], 1],
      ],
    );
    assert.equal(plan[1]?.updates[0]?.pk, 'T#t#AGG#k0000');
    assert.equal(plan[3]?.updates.at(-1)?.pk, 'T#t#AGG#k0249');
  });

  it('keeps the marker of records whose changes cancel out, and writes nothing for records that change nothing', () => {
    const minus = { index: 1, tenantId: 't', eventId: 'e1', updates: [update('a', -1)] };
    const plan = planTransactions([record(0, ['a']), minus, record(2, [])]);
    assert.deepEqual(
      plan.map((t) => [t.markers.map((m) => m.record), t.updates]),
      [[[0, 1], []]],
    );
  });

  it('plans a transaction again without the records an earlier delivery applied', () => {
    const work = [record(0, ['a', 'b']), record(1, ['a']), record(2, ['c'])];
    const [planned] = planTransactions(work);
    assert.ok(planned);
    const rest = withoutRecords(planned, new Set([0]), work);
    assert.deepEqual(
      rest?.markers.map((m) => m.record),
      [1, 2],
    );
    assert.deepEqual(
      rest?.updates.map((u) => [u.pk.slice(8), u.add.n]),
      [
        ['a', 1],
        ['c', 1],
      ],
    );
    assert.equal(withoutRecords(planned, new Set(), work), planned);
    assert.equal(withoutRecords(planned, new Set([0, 1, 2]), work), undefined);
  });
});
