import type { Decision, Facts } from '../approvals/rules';
import { changeOpenBalance } from '../customers/balance-items';
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
        also: [openBalanceIncrease(tenantId, order, facts, decision)],
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
 * The approved total joins the customer's open balance. When the decision passed the credit check,
 * the balance must still be where that check left room for this order: a concurrent approval for
 * the same customer that used the room makes the transaction fail, and the order is decided again.
 */
function openBalanceIncrease(
  tenantId: string,
  order: OrderRecord,
  facts: Facts,
  decision: Decision,
): TransactItem {
  const item = changeOpenBalance(tenantId, order.customerId, order.total.amountMinor);
  if (decision.observed.exceedsCreditLimit !== false || facts.creditLimitMinor === null || !item.Update)
    return item;
  const update = item.Update;
  return {
    Update: {
      ...update,
      ConditionExpression: `(${update.ConditionExpression}) AND (attribute_not_exists(#open) OR #open <= :ceiling)`,
      ExpressionAttributeValues: {
        ...update.ExpressionAttributeValues,
        ':ceiling': facts.creditLimitMinor - order.total.amountMinor,
      },
    },
  };
}
