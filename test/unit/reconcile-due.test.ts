import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  executionNameOf,
  type RECONCILE_AFTER_SECONDS,
  RECONCILE_SHARDS,
  reconcileAttributes,
  reconcileEntryOf,
  reconcileSchedule,
  reconcileShard,
} from '../../functions/orders/reconcile-due';

const ORDER = '01JF0000000000000000000000';
const NOW = '2026-12-02T10:00:00.000Z';

describe('when the reconciler next looks at an order', () => {
  it('a step, an owed answer, a parked token and a new order each have their own delay', () => {
    const due = (reason: keyof typeof RECONCILE_AFTER_SECONDS) =>
      reconcileEntryOf(reconcileSchedule('acme', ORDER, 'APPROVED', reason, NOW).set.reconcileSk as string)
        .due;
    assert.equal(due('step'), '2026-12-02T10:05:00.000Z');
    assert.equal(due('answer'), '2026-12-02T10:01:00.000Z');
    assert.equal(due('waiting'), '2026-12-03T10:00:00.000Z');
    assert.equal(due('created'), '2026-12-02T10:02:00.000Z');
  });

  it('a final order leaves the index, unless an answer is still owed to its execution', () => {
    assert.deepEqual(reconcileSchedule('acme', ORDER, 'CLOSED', 'step', NOW), {
      set: {},
      remove: ['reconcilePk', 'reconcileSk'],
    });
    assert.deepEqual(reconcileSchedule('acme', ORDER, 'REJECTED', 'answer', NOW).remove, []);
  });

  it('the sort key sorts by due time and carries the order; shards are stable and in range', () => {
    const attributes = reconcileAttributes('acme-eu', ORDER, new Date(NOW));
    assert.deepEqual(reconcileEntryOf(attributes.reconcileSk), {
      due: NOW,
      tenantId: 'acme-eu',
      orderId: ORDER,
    });
    assert.equal(attributes.reconcilePk, `RECONCILE#${reconcileShard(ORDER)}`);
    const later = reconcileAttributes('aaa', ORDER, new Date(Date.parse(NOW) + 1000)).reconcileSk;
    assert.ok(attributes.reconcileSk < later, 'a later due time sorts after, whatever the tenant');
    const shards = new Set(
      Array.from({ length: 200 }, (_, i) => reconcileShard(`01JF${String(i).padStart(22, '0')}`)),
    );
    assert.equal(shards.size, RECONCILE_SHARDS, '200 ids spread over every shard');
    assert.equal(reconcileShard(ORDER), reconcileShard(ORDER));
  });

  it('executions are named by the order, then <id>.r<n> for the n-th restart', () => {
    assert.equal(executionNameOf({ id: ORDER }), ORDER);
    assert.equal(executionNameOf({ id: ORDER, workflowRun: 2 }), `${ORDER}.r2`);
  });
});
