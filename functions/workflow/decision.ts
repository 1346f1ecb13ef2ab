import type { Decision, Facts } from '../approvals/rules';
import { addApprovedOrder } from '../customers/balance-items';
import { inboxAttributes, levelsFromRule } from '../orders/approval-levels';
import type { Change, OrderRecord, TransactItem } from '../orders/store';

const WORKFLOW = { type: 'system' as const, id: 'workflow' };

/**
 * The order change an approval decision makes, from SUBMITTED: auto-approve → APPROVED with the
 * total joining the customer's open balance; require-approval → PENDING_APPROVAL with the levels
 * (the first one pending and in its role's inbox); auto-reject → REJECTED. Every outcome stores
 * the decision (which rule fired, the values it saw, the rule set's version) and the full facts,
 * which is what a rule simulation re-runs.
 */
export function decisionChange(
  tenantId: string,
  order: OrderRecord,
  decision: Decision,
  facts: Facts,
  ruleSetVersion: number,
  now: Date,
): Change {
  const at = now.toISOString();
  const rule = { ruleId: decision.ruleId, ruleName: decision.ruleName };
  const stored = { ...decision, ruleSetVersion };
  switch (decision.outcome) {
    case 'auto-approve':
      return {
        toStatus: 'APPROVED',
        set: { approval: { decision: stored, levels: [] }, decisionFacts: facts },
        event: {
          type: 'APPROVAL_AUTO_APPROVED',
          actor: WORKFLOW,
          details: { ...rule, observed: decision.observed },
        },
        also: [openBalanceIncrease(tenantId, order, facts)],
        now: at,
      };
    case 'auto-reject':
      return {
        toStatus: 'REJECTED',
        set: { approval: { decision: stored, levels: [] }, decisionFacts: facts },
        event: {
          type: 'APPROVAL_AUTO_REJECTED',
          actor: WORKFLOW,
          details: { ...rule, reason: decision.reason, observed: decision.observed },
        },
        now: at,
      };
    case 'require-approval': {
      const levels = levelsFromRule(decision.levels ?? [], now);
      return {
        toStatus: 'PENDING_APPROVAL',
        set: {
          approval: { decision: stored, levels },
          decisionFacts: facts,
          ...inboxAttributes(tenantId, order.id, levels[0]),
        },
        event: {
          type: 'APPROVAL_REQUIRED',
          actor: WORKFLOW,
          details: {
            ...rule,
            observed: decision.observed,
            levels: levels.map((l) => ({ level: l.level, role: l.role, slaSeconds: l.slaSeconds })),
          },
        },
        now: at,
      };
    }
  }
}

/**
 * The approved total joins the customer's open balance, on condition that the customer's credit
 * is still what the facts saw: the same limit with room left for this order, or still no limit
 * in the order's currency. Whatever rule fired (the engine never auto-approves past the limit), a
 * concurrent approval that used the room, or a limit changed meanwhile, fails the transaction on
 * this item, and Advance decides the order again on fresh facts.
 */
function openBalanceIncrease(tenantId: string, order: OrderRecord, facts: Facts): TransactItem {
  return addApprovedOrder(
    tenantId,
    order.customerId,
    order.total,
    facts.creditLimitMinor === null
      ? { kind: 'no-limit' }
      : { kind: 'within-limit', creditLimitMinor: facts.creditLimitMinor },
  );
}
