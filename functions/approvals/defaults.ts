import type { Role } from '../shared/auth/roles';
import { defineRule, type GuardOutcome, type Level, type RuleSet } from './rules';

const DAY = 86_400;
const approverThenAdmin = (): Level[] => [
  { role: 'approver', slaSeconds: DAY },
  { role: 'admin', slaSeconds: DAY },
];

/**
 * The rules of a tenant that never saved its own (version 0). Thresholds are in major units of
 * the order's currency. A fresh copy each call, so no caller can change the defaults of another.
 */
export function defaultRuleSet(): RuleSet {
  return {
    rules: [
      defineRule(
        'over-credit-limit',
        'Over the credit limit',
        { exceedsCreditLimit: true },
        {
          type: 'auto-reject',
          reason: 'The order would take the customer’s open balance above their credit limit.',
        },
      ),
      defineRule(
        'own-terms-change',
        'Terms changed in the last 24 h by the order’s creator',
        { termsChangedWithin: { seconds: DAY, byOrderCreator: true } },
        // Two levels, like the strictest rule below it: coming first, it must never ask less than
        // the rule the order would otherwise meet (a large or deeply discounted order).
        { type: 'require-approval', levels: approverThenAdmin() },
      ),
      defineRule(
        'large-order',
        'Large order: from 10,000.00',
        { orderTotalAtLeast: '10000.00' },
        { type: 'require-approval', levels: approverThenAdmin() },
      ),
      defineRule(
        'deep-discount',
        'Deep discount: a line over 15% off',
        { maxLineDiscountBpsAbove: 1500 },
        { type: 'require-approval', levels: approverThenAdmin() },
      ),
      defineRule(
        'below-list-price',
        'A line more than 15% below its list price',
        { belowListPriceBpsAbove: 1500 },
        { type: 'require-approval', levels: approverThenAdmin() },
      ),
      defineRule(
        'medium-order',
        'Medium order: from 1,000.00',
        { orderTotalAtLeast: '1000.00' },
        { type: 'require-approval', levels: [{ role: 'approver', slaSeconds: DAY }] },
      ),
      defineRule('default', 'Everything else', {}, { type: 'auto-approve' }),
    ],
    ...creditGuardDefaults(),
  };
}

/**
 * The credit guard of a rule set that does not set it: an order a rule would auto-approve past
 * the credit limit is rejected, and only admins may approve past the limit by hand.
 */
function creditGuardDefaults(): { overCreditLimit: GuardOutcome; creditOverrideRoles: Role[] } {
  return {
    overCreditLimit: {
      type: 'auto-reject',
      reason:
        'The order would take the customer’s open balance above their credit limit, and no rule may auto-approve past it.',
    },
    creditOverrideRoles: ['admin'],
  };
}

/** The credit guard in force for a rule set: its own fields, else the defaults. */
export function creditGuardOf(ruleSet: RuleSet): {
  overCreditLimit: GuardOutcome;
  creditOverrideRoles: Role[];
} {
  const defaults = creditGuardDefaults();
  return {
    overCreditLimit: ruleSet.overCreditLimit ?? defaults.overCreditLimit,
    creditOverrideRoles: ruleSet.creditOverrideRoles ?? defaults.creditOverrideRoles,
  };
}
