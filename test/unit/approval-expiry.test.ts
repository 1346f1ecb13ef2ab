import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { decidableLevel, levelsFromRule } from '../../functions/orders/approval-levels';
import { OrderStateConflictError } from '../../functions/orders/errors';

/**
 * An approval that ran out of escalations (the escalation marks the order `approvalExpired` and
 * the workflow cancels it) can no longer be decided, although its level still reads `pending`:
 * a late approve or reject is a 409 naming the expiry, never a decision on an order being
 * cancelled. The same order without the mark is decidable, so the refusal comes from the mark.
 */
const now = new Date('2026-03-02T09:00:00.000Z');
const levels = () => levelsFromRule([{ role: 'approver', slaSeconds: 3600, escalateTo: 'admin' }], now);
const order = (extra: Record<string, unknown> = {}) => ({
  status: 'PENDING_APPROVAL' as const,
  approval: { levels: levels() },
  ...extra,
});
const expired = { at: '2026-03-02T12:00:00.000Z', level: 1, role: 'admin', escalations: 2 };

describe('an expired approval', () => {
  it('is decidable before it expires: level 1 is pending', () => {
    assert.equal(decidableLevel(order()).level, 1);
    assert.equal(decidableLevel(order(), 1).level, 1);
  });

  it('refuses the decision once expired, with or without a target level, as a state conflict', () => {
    for (const target of [undefined, 1]) {
      assert.throws(
        () => decidableLevel(order({ approvalExpired: expired }), target),
        (error: unknown) => {
          assert.ok(error instanceof OrderStateConflictError, String(error));
          assert.equal(error.statusCode, 409);
          assert.equal(error.type, 'order-state-conflict');
          assert.equal(error.detail, 'The approval expired; the order is being cancelled.');
          assert.deepEqual(error.extensions, { orderStatus: 'PENDING_APPROVAL' });
          return true;
        },
      );
    }
  });
});
