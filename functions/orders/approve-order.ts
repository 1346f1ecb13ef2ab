import { creditGuardOf } from '../approvals/defaults';
import { exceedsCreditLimit } from '../approvals/engine';
import { getRuleSet } from '../approvals/store';
import { addApprovedOrder, type CreditSeen, creditFacts } from '../customers/balance-items';
import type { Principal } from '../shared/auth/principal';
import type { Role } from '../shared/auth/roles';
import { ForbiddenError } from '../shared/http/errors';
import { stepFor } from '../workflow/steps';
import { getCustomerItem } from '../workflow/store';
import { decideAs, inboxAttributes } from './approval-levels';
import { CreditLimitExceededError, OrderChangedError, OrderStateConflictError } from './errors';
import { assertSeesOrder } from './partner-access';
import { orderScopeOf } from './partner-scope';
import type { ApproveBody, CreditOverride, Order } from './schemas';
import {
  changeOrder,
  getOrderRecord,
  type OrderRecord,
  type TransactItem,
  TransitionCancelledError,
  toOrder,
  withOrderRetry,
} from './store';
import { owedAnswer, resumeTask } from './task-answers';

/** The customer item's place in the approval's transaction: after the order and its event. */
const CUSTOMER_ITEM = 2;

/**
 * Approves the level of an order that waits on this person. The next level becomes pending (and
 * takes the order's place in the approval inbox); after the last one the order is APPROVED and
 * its total joins the customer's open balance, in the same transaction and on condition that it
 * stays within the customer's credit limit (409 credit-limit-exceeded otherwise, the level still
 * pending), unless the approver explicitly approves past it with a credit override, which only
 * the rules' `creditOverrideRoles` may (403). Two approvers racing on one level: the version
 * guard lets one win, the other re-reads and gets 409; an approval racing another for the same
 * customer's credit re-reads and checks again.
 */
export async function approveOrder(
  who: Principal,
  orderId: string,
  body: ApproveBody = {},
  now: Date,
): Promise<Order> {
  const { tenantId } = who;
  const scope = orderScopeOf(who);
  const { comment, creditOverride } = body;
  const at = now.toISOString();
  let target: number | undefined;
  let overrideRoles: readonly Role[] | undefined;
  const { before, after } = await withOrderRetry(async () => {
    const before = await getOrderRecord(tenantId, orderId);
    await assertSeesOrder(tenantId, scope, before);
    const { level, levels, next } = decideAs(before, target, who, 'approved', comment, now);
    target = level.level;
    if (creditOverride) {
      overrideRoles ??= creditGuardOf((await getRuleSet(tenantId)).ruleSet).creditOverrideRoles;
      assertMayOverride(who, overrideRoles);
    }
    const approved = next === undefined;
    // Only the last level adds the order to the open balance, so only it looks at credit.
    const credit = approved ? await creditOf(tenantId, before) : undefined;
    if (credit?.exceeds && !creditOverride) throw new CreditLimitExceededError(credit.facts);
    const override = creditOverride && overrideRecord(creditOverride.reason, who, at, before, credit);
    const inbox = inboxAttributes(tenantId, orderId, next);
    const also: TransactItem[] = credit
      ? [addApprovedOrder(tenantId, before.customerId, before.total, credit.seen)]
      : [];
    try {
      const after = await changeOrder(tenantId, before, {
        ...(approved ? { toStatus: 'APPROVED' as const } : {}),
        set: {
          approval: {
            ...before.approval,
            levels: override
              ? levels.map((l) => (l.level === level.level ? { ...l, creditOverride: override } : l))
              : levels,
          },
          ...inbox,
          ...owedAnswer(before.task, ['approval'], { answer: 'success' }, at),
        },
        remove: ['task', ...(inbox ? [] : ['inboxPk', 'inboxSk'])],
        event: {
          type: 'APPROVAL_GRANTED',
          actor: { type: 'user', id: who.userId },
          details: {
            level: level.level,
            role: level.role,
            ...(comment ? { comment } : {}),
            ...(override ? { creditOverride: override } : {}),
          },
        },
        also,
        now: at,
      });
      return { before, after };
    } catch (error) {
      // The customer's credit is no longer what this approval saw: read it again and check again.
      if (
        error instanceof TransitionCancelledError &&
        error.reasons[CUSTOMER_ITEM] === 'ConditionalCheckFailed'
      ) {
        throw new OrderChangedError(orderId);
      }
      throw error;
    }
  });
  await resumeTask(before.task, ['approval'], stepFor(tenantId, after, now));
  return toOrder(after);
}

function assertMayOverride(who: Principal, roles: readonly Role[]): void {
  if (who.roles.some((role) => roles.includes(role))) return;
  throw new ForbiddenError(
    roles.length === 0
      ? 'Nobody may approve past a credit limit: the approval rules name no creditOverrideRoles.'
      : `Only ${roles.map((r) => `'${r}'`).join(', ')} may approve past a credit limit (the approval rules’ creditOverrideRoles).`,
  );
}

interface Credit {
  facts: { currency: string; creditLimitMinor: number; openBalanceMinor: number; totalMinor: number };
  exceeds: boolean;
  /** Absent: the customer has no limit in the order's currency. */
  creditLimitMinor: number | null;
  seen: CreditSeen;
}

/** The customer's credit as it stands now (a consistent read), and what the approval must still find. */
async function creditOf(tenantId: string, order: OrderRecord): Promise<Credit> {
  const customer = await getCustomerItem(tenantId, order.customerId);
  if (!customer) throw new OrderStateConflictError('The order’s customer no longer exists.', order.status);
  const { creditLimitMinor, openBalanceMinor } = creditFacts(customer, order.currency);
  const totalMinor = order.total.amountMinor;
  const facts = {
    currency: order.currency,
    creditLimitMinor: creditLimitMinor ?? 0,
    openBalanceMinor,
    totalMinor,
  };
  if (creditLimitMinor === null) {
    return { facts, exceeds: false, creditLimitMinor, seen: { kind: 'no-limit' } };
  }
  const exceeds = exceedsCreditLimit({ creditLimitMinor, openBalanceMinor, totalMinor });
  return {
    facts,
    exceeds,
    creditLimitMinor,
    // Past the limit (an override): exactly the balance the override records, or check again.
    seen: exceeds
      ? { kind: 'past-limit', creditLimitMinor, openBalanceMinor }
      : { kind: 'within-limit', creditLimitMinor },
  };
}

/**
 * What the level keeps of an override: who, when, why, and the figures it went past. An override
 * on an order that fits, or on a level before the last (which adds nothing to the balance), is
 * accepted and kept as not needed.
 */
function overrideRecord(
  reason: string,
  who: Principal,
  at: string,
  order: OrderRecord,
  credit: Credit | undefined,
): CreditOverride {
  const money = (amountMinor: number) => ({ amountMinor, currency: order.currency });
  return {
    reason,
    by: who.userId,
    at,
    needed: credit?.exceeds ?? false,
    ...(credit && credit.creditLimitMinor !== null ? { creditLimit: money(credit.creditLimitMinor) } : {}),
    ...(credit ? { openBalance: money(credit.facts.openBalanceMinor), orderTotal: order.total } : {}),
  };
}
