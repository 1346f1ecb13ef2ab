import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  assertMayDecide,
  decidableLevel,
  decide,
  escalate,
  inboxAttributes,
  levelsFromRule,
  refusalToDecide,
} from '../../functions/orders/approval-levels';
import { OrderStateConflictError } from '../../functions/orders/errors';
import type { ApprovalLevel } from '../../functions/orders/schemas';
import { ForbiddenError } from '../../functions/shared/http/errors';

const now = new Date('2026-03-02T09:00:00.000Z');
const later = new Date('2026-03-02T10:30:00.000Z');
const who = (userId: string, roles: ('admin' | 'approver' | 'sales')[] = ['approver']) => ({
  tenantId: 't1',
  userId,
  roles,
});

const twoLevels = () =>
  levelsFromRule(
    [
      { role: 'approver', slaSeconds: 3600, escalateTo: 'admin' },
      { role: 'admin', approverUserId: 'cfo', slaSeconds: 7200, escalateTo: 'admin' },
    ],
    now,
  );

const pendingOrder = (levels: ApprovalLevel[], extra: Record<string, unknown> = {}) => ({
  status: 'PENDING_APPROVAL' as const,
  createdBy: 'seller',
  approval: { levels },
  ...extra,
});

describe('approval levels', () => {
  it('starts the first level from now and keeps the others waiting', () => {
    const levels = twoLevels();
    assert.deepEqual(
      levels.map((l) => [l.level, l.status, l.requestedAt, l.dueAt]),
      [
        [1, 'pending', '2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z'],
        [2, 'waiting', undefined, undefined],
      ],
    );
    assert.deepEqual(inboxAttributes('t1', 'ORDER1', levels[0]), {
      inboxPk: 'T#t1#APPROVALS#approver',
      inboxSk: '2026-03-02T09:00:00.000Z#ORDER1',
    });
    assert.equal(inboxAttributes('t1', 'ORDER1', levels[1]), undefined);
  });

  it('approving makes the next level pending from the decision; the last approval leaves none', () => {
    const first = decide(twoLevels(), 1, 'approved', 'alice', 'ok', later);
    assert.equal(first.levels[0]?.status, 'approved');
    assert.equal(first.levels[0]?.decidedBy, 'alice');
    assert.equal(first.levels[0]?.comment, 'ok');
    assert.equal(first.next?.level, 2);
    assert.equal(first.next?.requestedAt, later.toISOString());
    assert.equal(first.next?.dueAt, '2026-03-02T12:30:00.000Z');
    const second = decide(first.levels, 2, 'approved', 'cfo', undefined, later);
    assert.equal(second.next, undefined);
    assert.equal(second.levels[1]?.comment, undefined);
    assert.throws(() => decide(second.levels, 2, 'approved', 'x', undefined, later), OrderStateConflictError);
  });

  it('rejecting ends the approval: no next level', () => {
    const rejected = decide(twoLevels(), 1, 'rejected', 'alice', 'no', later);
    assert.equal(rejected.next, undefined);
    assert.deepEqual(
      rejected.levels.map((l) => l.status),
      ['rejected', 'waiting'],
    );
  });

  it('refuses the creator, a second level by the same person, another role and another named approver', () => {
    const levels = twoLevels();
    const order = pendingOrder(levels);
    assert.match(
      refusalToDecide(order, levels[0] as ApprovalLevel, who('seller')) ?? '',
      /created this order/,
    );
    assert.match(
      refusalToDecide(order, levels[0] as ApprovalLevel, who('sam', ['sales'])) ?? '',
      /role 'approver'/,
    );
    assert.equal(refusalToDecide(order, levels[0] as ApprovalLevel, who('alice')), undefined);
    assert.equal(refusalToDecide(order, levels[0] as ApprovalLevel, who('root', ['admin'])), undefined);

    const afterAlice = decide(levels, 1, 'approved', 'alice', undefined, later).levels;
    const next = afterAlice[1] as ApprovalLevel;
    assert.match(
      refusalToDecide(pendingOrder(afterAlice), next, who('alice', ['admin'])) ?? '',
      /already decided level 1/,
    );
    assert.match(
      refusalToDecide(pendingOrder(afterAlice), next, who('bob', ['approver'])) ?? '',
      /named approver/,
    );
    assert.equal(refusalToDecide(pendingOrder(afterAlice), next, who('cfo', ['admin'])), undefined);
    assert.equal(refusalToDecide(pendingOrder(afterAlice), next, who('root', ['admin'])), undefined);
    assert.throws(() => assertMayDecide(pendingOrder(afterAlice), next, who('bob')), ForbiddenError);
  });

  it('finds the level to decide, and after a lost race refuses rather than moving on to the next one', () => {
    const levels = twoLevels();
    assert.equal(decidableLevel(pendingOrder(levels)).level, 1);
    const decided = decide(levels, 1, 'approved', 'alice', undefined, later).levels;
    // A fresh request decides level 2; the request that targeted level 1 learns it was decided.
    assert.equal(decidableLevel(pendingOrder(decided)).level, 2);
    assert.throws(() => decidableLevel(pendingOrder(decided), 1), /Level 1 was already decided/);
    assert.throws(
      () => decidableLevel({ ...pendingOrder(levels), status: 'APPROVED' }),
      OrderStateConflictError,
    );
    assert.throws(
      () => decidableLevel(pendingOrder(levels, { cancelRequest: { reason: 'x' } })),
      /being cancelled/,
    );
    assert.throws(
      () => decidableLevel(pendingOrder(decide(levels, 1, 'rejected', 'a', 'no', later).levels)),
      /No approval/,
    );
  });

  it('escalates an overdue level to its target, then to admin, then expires', () => {
    const levels = levelsFromRule(
      [{ role: 'approver', approverUserId: 'alice', slaSeconds: 60, escalateTo: 'sales' }],
      now,
    );
    assert.equal(escalate(levels, new Date(now.getTime() + 30_000)).escalated, undefined);
    const once = escalate(levels, new Date(now.getTime() + 61_000));
    assert.equal(once.escalated?.role, 'sales');
    assert.equal(once.escalated?.approverUserId, undefined);
    const twice = escalate(once.levels, new Date(now.getTime() + 200_000));
    assert.equal(twice.escalated?.role, 'admin');
    assert.deepEqual(
      twice.escalated?.escalations.map((e) => [e.fromRole, e.toRole]),
      [
        ['approver', 'sales'],
        ['sales', 'admin'],
      ],
    );
    assert.equal(escalate(twice.levels, new Date(now.getTime() + 400_000)).expired, true);
  });
});
