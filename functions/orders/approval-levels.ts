import type { Principal } from '../shared/auth/principal';
import type { Role } from '../shared/auth/roles';
import { ForbiddenError } from '../shared/http/errors';
import { OrderStateConflictError } from './errors';
import { inboxPartition } from './keys';
import type { ApprovalLevel } from './schemas';
import type { OrderStatus } from './status';

/** A level as an approval rule requires it. */
export interface RequiredLevel {
  role: Role;
  approverUserId?: string;
  slaSeconds: number;
  escalateTo: Role;
}

/** How many times one level may escalate before the order expires (first to its target, then to admin). */
export const MAX_ESCALATIONS = 2;

const plus = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

/** The levels of a decision: the first one pending from now, the others waiting their turn. */
export function levelsFromRule(required: readonly RequiredLevel[], now: Date): ApprovalLevel[] {
  return required.map((level, i) => ({
    level: i + 1,
    role: level.role,
    ...(level.approverUserId ? { approverUserId: level.approverUserId } : {}),
    slaSeconds: level.slaSeconds,
    escalateTo: level.escalateTo,
    escalations: [],
    ...(i === 0
      ? { status: 'pending' as const, requestedAt: now.toISOString(), dueAt: plus(now, level.slaSeconds) }
      : { status: 'waiting' as const }),
  }));
}

export const pendingLevel = (levels: readonly ApprovalLevel[] | undefined) =>
  levels?.find((l) => l.status === 'pending');

/** The sparse approval-inbox index entry of the pending level (none when nothing is pending). */
export function inboxAttributes(tenantId: string, orderId: string, level: ApprovalLevel | undefined) {
  if (!level?.requestedAt) return undefined;
  return { inboxPk: inboxPartition(tenantId, level.role), inboxSk: `${level.requestedAt}#${orderId}` };
}

/**
 * Why this person may not decide this level, or undefined when they may: separation of duties
 * (not the creator, not two levels of one order) and the level's role or named approver.
 * The approval inbox shows exactly the levels for which this is undefined.
 */
export function refusalToDecide(
  order: { createdBy: string; approval?: { levels: ApprovalLevel[] } },
  level: ApprovalLevel,
  who: Principal,
): string | undefined {
  if (order.createdBy === who.userId) return 'You created this order, so you cannot decide on it.';
  const earlier = order.approval?.levels.find((l) => l.level !== level.level && l.decidedBy === who.userId);
  if (earlier)
    return `You already decided level ${earlier.level}; another person must decide level ${level.level}.`;
  const admin = who.roles.includes('admin');
  if (level.approverUserId && level.approverUserId !== who.userId && !admin) {
    return `Level ${level.level} waits on a named approver.`;
  }
  if (!who.roles.includes(level.role) && !admin)
    return `Level ${level.level} waits on the role '${level.role}'.`;
  return undefined;
}

/** May this person decide this level? 403 with the reason when not. */
export function assertMayDecide(
  order: { createdBy: string; approval?: { levels: ApprovalLevel[] } },
  level: ApprovalLevel,
  who: Principal,
): void {
  const refusal = refusalToDecide(order, level, who);
  if (refusal) throw new ForbiddenError(refusal);
}

/**
 * The level a decision is for: the pending level of an order that waits for approval, else 409.
 * `target` is the level this request chose on its first read: when it re-reads after losing a
 * race, a level decided meanwhile is "already decided", never a reason to decide the next one.
 */
export function decidableLevel(
  order: {
    status: OrderStatus;
    approval?: { levels: ApprovalLevel[] };
    cancelRequest?: unknown;
    /** Set by the escalation that ran out (see `approvalExpiryOf` in workflow/steps.ts). */
    approvalExpired?: unknown;
  },
  target?: number,
): ApprovalLevel {
  const targeted = target === undefined ? undefined : order.approval?.levels.find((l) => l.level === target);
  if (targeted && targeted.status !== 'pending' && targeted.status !== 'waiting') {
    throw new OrderStateConflictError(
      `Level ${target} was already decided (${targeted.status}) by someone else.`,
      order.status,
    );
  }
  if (order.status !== 'PENDING_APPROVAL') {
    throw new OrderStateConflictError(`The order is ${order.status}: no approval is waiting.`, order.status);
  }
  if (order.cancelRequest) throw new OrderStateConflictError('The order is being cancelled.', order.status);
  if (order.approvalExpired) {
    throw new OrderStateConflictError('The approval expired; the order is being cancelled.', order.status);
  }
  const level = pendingLevel(order.approval?.levels);
  if (!level) throw new OrderStateConflictError('No approval level is waiting.', order.status);
  if (target !== undefined && level.level !== target) {
    throw new OrderStateConflictError(`Level ${target} is no longer the one waiting.`, order.status);
  }
  return level;
}

/**
 * Records a decision on the pending level. Approving makes the next level pending (or none);
 * rejecting ends the approval. Returns the new levels and the newly pending level, if any.
 */
export function decide(
  levels: readonly ApprovalLevel[],
  levelNo: number,
  decision: 'approved' | 'rejected',
  who: string,
  comment: string | undefined,
  now: Date,
): { levels: ApprovalLevel[]; next: ApprovalLevel | undefined } {
  const at = now.toISOString();
  let next: ApprovalLevel | undefined;
  const updated = levels.map((level): ApprovalLevel => {
    if (level.level === levelNo) {
      if (level.status !== 'pending')
        throw new OrderStateConflictError(`Level ${levelNo} is already decided.`, level.status);
      return { ...level, status: decision, decidedBy: who, decidedAt: at, ...(comment ? { comment } : {}) };
    }
    if (decision === 'approved' && level.level === levelNo + 1) {
      next = { ...level, status: 'pending', requestedAt: at, dueAt: plus(now, level.slaSeconds) };
      return next;
    }
    return level;
  });
  return { levels: updated, next };
}

/**
 * The pending level outlived its SLA: it moves to its escalation role (then to admin) with a
 * fresh SLA. After MAX_ESCALATIONS the order expires. A level that is no longer pending, or not
 * yet due, is left alone (the timeout raced a decision).
 */
export function escalate(
  levels: readonly ApprovalLevel[],
  now: Date,
): { levels: ApprovalLevel[]; escalated?: ApprovalLevel; expired: boolean } {
  const level = pendingLevel(levels);
  if (!level?.dueAt || Date.parse(level.dueAt) > now.getTime())
    return { levels: [...levels], expired: false };
  if (level.escalations.length >= MAX_ESCALATIONS) return { levels: [...levels], expired: true };
  const toRole: Role = level.escalations.length === 0 ? level.escalateTo : 'admin';
  const escalated: ApprovalLevel = {
    ...level,
    role: toRole,
    requestedAt: now.toISOString(),
    dueAt: plus(now, level.slaSeconds),
    escalations: [...level.escalations, { at: now.toISOString(), fromRole: level.role, toRole }],
  };
  delete escalated.approverUserId;
  return { levels: levels.map((l) => (l.level === level.level ? escalated : l)), escalated, expired: false };
}

/**
 * One person's decision on the level that waits: the level must still be decidable (and be the
 * one `target` names after a lost race), the person must be allowed, then the levels change.
 */
export function decideAs(
  order: Parameters<typeof decidableLevel>[0] & { createdBy: string; approval?: { levels: ApprovalLevel[] } },
  target: number | undefined,
  who: Principal,
  decision: 'approved' | 'rejected',
  comment: string | undefined,
  now: Date,
): { level: ApprovalLevel; levels: ApprovalLevel[]; next: ApprovalLevel | undefined } {
  const level = decidableLevel(order, target);
  assertMayDecide(order, level, who);
  return { level, ...decide(order.approval?.levels ?? [], level.level, decision, who.userId, comment, now) };
}
