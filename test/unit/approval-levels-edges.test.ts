import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  assertMayDecide,
  decidableLevel,
  decide,
  decideAs,
  escalate,
  inboxAttributes,
  levelsFromRule,
  MAX_ESCALATIONS,
  refusalToDecide,
} from '../../functions/orders/approval-levels';
import { OrderStateConflictError } from '../../functions/orders/errors';
import type { ApprovalLevel } from '../../functions/orders/schemas';
import { ForbiddenError } from '../../functions/shared/http/errors';

/**
 * Who may decide an approval level and what a decision or an escalation does to the levels, to
 * the letter: the refusal each person gets, the exact times a level is requested and due, the
 * moment a level becomes overdue, and what is kept or dropped. test/unit/orders-approval-levels.test.ts
 * proves the paths; mutation testing (issue 13) showed the details it left open. (The approvalExpired
 * check of decidableLevel is proven in test/unit/approval-expiry.test.ts.)
 */
const now = new Date('2026-03-02T09:00:00.000Z');
const at = (iso: string) => new Date(iso);
const who = (userId: string, roles: ('admin' | 'approver' | 'sales' | 'finance')[] = ['approver']) => ({
  tenantId: 't1',
  userId,
  roles,
});
const required = [
  { role: 'approver' as const, slaSeconds: 3600, escalateTo: 'finance' as const },
  { role: 'finance' as const, approverUserId: 'cfo', slaSeconds: 7200, escalateTo: 'admin' as const },
];
const order = (levels: ApprovalLevel[], extra: Record<string, unknown> = {}) => ({
  status: 'PENDING_APPROVAL' as const,
  createdBy: 'seller',
  approval: { levels },
  ...extra,
});
const conflict = (run: () => unknown, detail: string, orderStatus: string) =>
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof OrderStateConflictError);
    assert.equal(error.statusCode, 409);
    assert.equal(error.detail, detail);
    assert.equal(error.extensions.orderStatus, orderStatus);
    return true;
  });

describe('approval levels in detail', () => {
  it('starts the first level now, due after its SLA; the named approver only where there is one', () => {
    assert.deepEqual(levelsFromRule(required, now), [
      {
        level: 1,
        role: 'approver',
        slaSeconds: 3600,
        escalateTo: 'finance',
        escalations: [],
        status: 'pending',
        requestedAt: '2026-03-02T09:00:00.000Z',
        dueAt: '2026-03-02T10:00:00.000Z',
      },
      {
        level: 2,
        role: 'finance',
        approverUserId: 'cfo',
        slaSeconds: 7200,
        escalateTo: 'admin',
        escalations: [],
        status: 'waiting',
      },
    ]);
  });

  it('puts the pending level in its role’s inbox, sorted by when it was requested; nothing else', () => {
    const [first, second] = levelsFromRule(required, now);
    assert.deepEqual(inboxAttributes('t1', 'o1', first), {
      inboxPk: 'T#t1#APPROVALS#approver',
      inboxSk: '2026-03-02T09:00:00.000Z#o1',
    });
    assert.equal(inboxAttributes('t1', 'o1', second), undefined);
    assert.equal(inboxAttributes('t1', 'o1', undefined), undefined);
  });

  it('tells each person why they may not decide, and lets an admin past role and named approver only', () => {
    const levels = levelsFromRule(required, now);
    const [first] = levels as [ApprovalLevel];
    assert.equal(
      refusalToDecide(order(levels), first, who('seller', ['admin'])),
      'You created this order, so you cannot decide on it.',
    );
    assert.equal(
      refusalToDecide(order(levels), first, who('sam', ['sales'])),
      "Level 1 waits on the role 'approver'.",
    );
    const decided = decide(levels, 1, 'approved', 'alice', undefined, now).levels;
    const second = decided[1] as ApprovalLevel;
    assert.equal(
      refusalToDecide(order(decided), second, who('alice', ['admin'])),
      'You already decided level 1; another person must decide level 2.',
    );
    assert.equal(
      refusalToDecide(order(decided), second, who('fred', ['finance'])),
      'Level 2 waits on a named approver.',
    );
    assert.equal(refusalToDecide(order(decided), second, who('cfo', ['finance'])), undefined);
    assert.equal(refusalToDecide(order(decided), second, who('root', ['admin'])), undefined);
    // The named approver still needs the level's role (or admin).
    assert.equal(
      refusalToDecide(order(decided), second, who('cfo', ['approver'])),
      "Level 2 waits on the role 'finance'.",
    );
  });

  it('does not count a decision on the same level as an earlier one', () => {
    const levels = levelsFromRule(required, now);
    const sameLevel = [{ ...(levels[0] as ApprovalLevel), decidedBy: 'alice' }, levels[1] as ApprovalLevel];
    assert.equal(refusalToDecide(order(sameLevel), sameLevel[0] as ApprovalLevel, who('alice')), undefined);
  });

  it('judges an order without approval levels by role alone, and finds nothing to decide on it', () => {
    const [first] = levelsFromRule(required, now) as [ApprovalLevel];
    const bare = { status: 'PENDING_APPROVAL' as const, createdBy: 'seller' };
    assert.equal(refusalToDecide(bare, first, who('alice')), undefined);
    conflict(() => decidableLevel(bare, 1), 'No approval level is waiting.', 'PENDING_APPROVAL');
    assert.throws(
      () => decideAs(bare, undefined, who('alice'), 'approved', undefined, now),
      OrderStateConflictError,
    );
  });

  it('lets a request decide the later level it targeted once the earlier one is decided', () => {
    const decided = decide(levelsFromRule(required, now), 1, 'approved', 'alice', undefined, now).levels;
    assert.equal(decidableLevel(order(decided), 2).level, 2);
  });

  it('throws the refusal as a 403, and nothing when the person may decide', () => {
    const levels = levelsFromRule(required, now);
    const first = levels[0] as ApprovalLevel;
    assert.throws(
      () => assertMayDecide(order(levels), first, who('sam', ['sales'])),
      (error: unknown) =>
        error instanceof ForbiddenError && error.detail === "Level 1 waits on the role 'approver'.",
    );
    assert.doesNotThrow(() => assertMayDecide(order(levels), first, who('alice')));
  });

  it('says why no level can be decided, with the order’s status', () => {
    const levels = levelsFromRule(required, now);
    conflict(
      () => decidableLevel({ ...order(levels), status: 'APPROVED' }),
      'The order is APPROVED: no approval is waiting.',
      'APPROVED',
    );
    conflict(
      () => decidableLevel(order(levels, { cancelRequest: { reason: 'x' } })),
      'The order is being cancelled.',
      'PENDING_APPROVAL',
    );
    const rejected = decide(levels, 1, 'rejected', 'alice', undefined, now).levels;
    conflict(() => decidableLevel(order(rejected)), 'No approval level is waiting.', 'PENDING_APPROVAL');
    conflict(
      () => decidableLevel(order(rejected), 1),
      'Level 1 was already decided (rejected) by someone else.',
      'PENDING_APPROVAL',
    );
    conflict(
      () => decidableLevel({ status: 'PENDING_APPROVAL' }),
      'No approval level is waiting.',
      'PENDING_APPROVAL',
    );
  });

  it('refuses a request for a waiting or unknown level while another one is pending', () => {
    const levels = levelsFromRule(required, now);
    conflict(
      () => decidableLevel(order(levels), 2),
      'Level 2 is no longer the one waiting.',
      'PENDING_APPROVAL',
    );
    conflict(
      () => decidableLevel(order(levels), 7),
      'Level 7 is no longer the one waiting.',
      'PENDING_APPROVAL',
    );
    assert.equal(decidableLevel(order(levels), 1).level, 1);
  });

  it('records who decided, when, and the comment only when there is one; the next level starts then', () => {
    const levels = levelsFromRule(required, now);
    const decidedAt = at('2026-03-02T09:30:00.000Z');
    const { levels: after, next } = decide(levels, 1, 'approved', 'alice', 'fine', decidedAt);
    assert.deepEqual(after[0], {
      ...(levels[0] as ApprovalLevel),
      status: 'approved',
      decidedBy: 'alice',
      decidedAt: '2026-03-02T09:30:00.000Z',
      comment: 'fine',
    });
    assert.deepEqual(next, {
      ...(levels[1] as ApprovalLevel),
      status: 'pending',
      requestedAt: '2026-03-02T09:30:00.000Z',
      dueAt: '2026-03-02T11:30:00.000Z',
    });
    assert.deepEqual(after[1], next);
    const silent = decide(levels, 1, 'approved', 'alice', '', decidedAt).levels[0] as ApprovalLevel;
    assert.equal('comment' in silent, false);
  });

  it('rejecting leaves the later levels waiting, and a decided level cannot be decided again', () => {
    const levels = levelsFromRule(required, now);
    const { levels: after, next } = decide(levels, 1, 'rejected', 'alice', 'no', now);
    assert.equal(next, undefined);
    assert.deepEqual(after[1], levels[1]);
    assert.equal(after[0]?.status, 'rejected');
    conflict(
      () => decide(after, 1, 'approved', 'bob', undefined, now),
      'Level 1 is already decided.',
      'rejected',
    );
  });

  it('decides as a person: checks the level, then the person, then records the decision', () => {
    const levels = levelsFromRule(required, now);
    const result = decideAs(order(levels), undefined, who('alice'), 'approved', undefined, now);
    assert.equal(result.level.level, 1);
    assert.equal(result.levels[0]?.decidedBy, 'alice');
    assert.equal(result.next?.level, 2);
    assert.throws(
      () => decideAs(order(levels), undefined, who('seller'), 'approved', undefined, now),
      ForbiddenError,
    );
  });
});

describe('escalation in detail', () => {
  const single = () =>
    levelsFromRule(
      [{ role: 'approver', approverUserId: 'alice', slaSeconds: 60, escalateTo: 'finance' }],
      now,
    );

  it('escalates at the very moment the level is due, not a millisecond before', () => {
    const before = escalate(single(), at('2026-03-02T09:00:59.999Z'));
    assert.deepEqual(before, { levels: single(), expired: false });
    const due = escalate(single(), at('2026-03-02T09:01:00.000Z'));
    assert.equal(due.expired, false);
    assert.deepEqual(due.escalated, {
      level: 1,
      role: 'finance',
      slaSeconds: 60,
      escalateTo: 'finance',
      status: 'pending',
      requestedAt: '2026-03-02T09:01:00.000Z',
      dueAt: '2026-03-02T09:02:00.000Z',
      escalations: [{ at: '2026-03-02T09:01:00.000Z', fromRole: 'approver', toRole: 'finance' }],
    });
    assert.deepEqual(due.levels, [due.escalated]);
  });

  it('escalates only the pending level, and leaves levels with none pending alone', () => {
    const levels = levelsFromRule(required, now);
    const late = at('2026-03-02T12:00:00.000Z');
    const escalated = escalate(levels, late);
    assert.deepEqual(escalated.levels[1], levels[1]);
    const rejected = decide(levels, 1, 'rejected', 'alice', undefined, now).levels;
    assert.deepEqual(escalate(rejected, late), { levels: rejected, expired: false });
  });

  it('expires after MAX_ESCALATIONS (2) escalations, leaving the levels as they were', () => {
    assert.equal(MAX_ESCALATIONS, 2);
    const once = escalate(single(), at('2026-03-02T09:01:00.000Z'));
    const twice = escalate(once.levels, at('2026-03-02T09:02:00.000Z'));
    assert.equal(twice.expired, false);
    assert.equal(twice.escalated?.role, 'admin');
    assert.equal(twice.escalated?.dueAt, '2026-03-02T09:03:00.000Z');
    const third = escalate(twice.levels, at('2026-03-02T09:03:00.000Z'));
    assert.deepEqual(third, { levels: twice.levels, expired: true });
  });
});
