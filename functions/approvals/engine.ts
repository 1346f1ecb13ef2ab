import { minorUnitDigits } from '../shared/money';
import { toMinorUnitsCeil } from './decimal';
import { creditGuardOf } from './defaults';
import {
  type Conditions,
  CREDIT_GUARD_ID,
  type Decision,
  type Facts,
  type Level,
  type Observed,
  type ResolvedLevel,
  type Rule,
  type RuleSet,
  type TermsChange,
} from './rules';
import { changedWithin } from './terms';

export { Decision, Facts } from './rules';

/**
 * Decides an order from its facts: the first rule whose conditions all hold wins, except that no
 * rule auto-approves past the customer's credit limit: the rule set's credit guard decides such an
 * order instead (auto-reject by default), whatever the rules say about credit. Pure: the same
 * rules and facts always give the same decision, which is what lets a simulation re-run rules
 * over stored facts. A valid rule set (see `validate.ts`) ends with an unconditional rule, so
 * every order gets a decision.
 */
export function decide(ruleSet: RuleSet, facts: Facts): Decision {
  for (const rule of ruleSet.rules) {
    const observed = observe(rule.when, facts);
    if (!observed) continue;
    const decision = decisionOf(rule, observed);
    return decision.outcome === 'auto-approve' && exceedsCreditLimit(facts)
      ? creditGuardDecision(ruleSet, rule, facts)
      : decision;
  }
  throw new Error('No approval rule matched: a valid rule set ends with an unconditional rule');
}

/** The guard's outcome for an order `rule` would have auto-approved past the limit, with the credit facts it saw. */
function creditGuardDecision(ruleSet: RuleSet, rule: Rule, facts: Facts): Decision {
  const guard = creditGuardOf(ruleSet).overCreditLimit;
  const base = {
    ruleId: CREDIT_GUARD_ID,
    ruleName: 'Credit limit guard',
    observed: {
      currency: facts.currency,
      totalMinor: facts.totalMinor,
      creditLimitMinor: facts.creditLimitMinor,
      openBalanceMinor: facts.openBalanceMinor,
      exceedsCreditLimit: true,
    },
    guarded: { ruleId: rule.id, ruleName: rule.name },
  };
  return guard.type === 'auto-reject'
    ? { outcome: 'auto-reject', ...base, reason: guard.reason }
    : { outcome: 'require-approval', ...base, levels: resolveLevels(guard.levels) };
}

/** Open balance plus this order above the limit; never when the customer has no limit. */
export function exceedsCreditLimit(
  facts: Pick<Facts, 'creditLimitMinor' | 'openBalanceMinor' | 'totalMinor'>,
): boolean {
  if (facts.creditLimitMinor === null) return false;
  // BigInt: the sum of two safe integers may not be one.
  return BigInt(facts.openBalanceMinor) + BigInt(facts.totalMinor) > BigInt(facts.creditLimitMinor);
}

/** Escalation defaults to the next level's role, and to admin after the last level. */
export function resolveLevels(levels: readonly Level[]): ResolvedLevel[] {
  return levels.map((level, i) => ({
    role: level.role,
    ...(level.approverUserId === undefined ? {} : { approverUserId: level.approverUserId }),
    slaSeconds: level.slaSeconds,
    escalateTo: level.escalateTo ?? levels[i + 1]?.role ?? 'admin',
  }));
}

/**
 * The facts the conditions looked at when all of them hold; undefined as soon as one does not.
 * Conditions are checked in a fixed order, each recording what it read.
 */
function observe(when: Conditions, facts: Facts): Observed | undefined {
  const observed: Observed = {};
  if (when.orderTotalAtLeast !== undefined || when.orderTotalBelow !== undefined) {
    observed.currency = facts.currency;
    observed.totalMinor = facts.totalMinor;
    const digits = minorUnitDigits(facts.currency);
    const total = BigInt(facts.totalMinor);
    if (when.orderTotalAtLeast !== undefined && total < toMinorUnitsCeil(when.orderTotalAtLeast, digits))
      return undefined;
    if (when.orderTotalBelow !== undefined && total >= toMinorUnitsCeil(when.orderTotalBelow, digits))
      return undefined;
  }
  if (when.maxLineDiscountBpsAbove !== undefined) {
    observed.maxLineDiscountBps = facts.maxLineDiscountBps;
    if (!(facts.maxLineDiscountBps > when.maxLineDiscountBpsAbove)) return undefined;
  }
  if (when.exceedsCreditLimit !== undefined) {
    const exceeds = exceedsCreditLimit(facts);
    observed.creditLimitMinor = facts.creditLimitMinor;
    observed.openBalanceMinor = facts.openBalanceMinor;
    observed.totalMinor = facts.totalMinor;
    observed.currency = facts.currency;
    observed.exceedsCreditLimit = exceeds;
    if (exceeds !== when.exceedsCreditLimit) return undefined;
  }
  if (when.newCustomer !== undefined) {
    observed.newCustomer = facts.newCustomer;
    if (facts.newCustomer !== when.newCustomer) return undefined;
  }
  if (when.categoriesAny !== undefined) {
    observed.categories = [...facts.categories];
    const wanted = new Set(when.categoriesAny);
    if (!facts.categories.some((category) => wanted.has(category))) return undefined;
  }
  if (when.belowListPriceBpsAbove !== undefined) {
    observed.maxBelowListBps = facts.maxBelowListBps;
    if (!(facts.maxBelowListBps > when.belowListPriceBpsAbove)) return undefined;
  }
  if (when.termsChangedWithin !== undefined) {
    const { seconds, byOrderCreator } = when.termsChangedWithin;
    const changes = termsChangesWithin(facts, seconds, byOrderCreator === true);
    observed.termsChanges = changes;
    if (facts.createdAt !== undefined) observed.createdAt = facts.createdAt;
    if (byOrderCreator === true && facts.createdBy !== undefined) observed.createdBy = facts.createdBy;
    if (changes.length === 0) return undefined;
  }
  return observed;
}

/**
 * The changes within `seconds` before the order was created, or after it (facts hold only what was
 * read by the decision); only the creator's when `byCreator`. Facts stored before orders recorded
 * their creation have no window to judge by, so no change counts for them.
 */
function termsChangesWithin(facts: Facts, seconds: number, byCreator: boolean): TermsChange[] {
  const { createdAt, createdBy } = facts;
  if (createdAt === undefined) return [];
  return facts.termsChanges
    .filter((change) => changedWithin(change.at, createdAt, seconds))
    .filter((change) => !byCreator || (createdBy !== undefined && change.by === createdBy))
    .map((change) => ({ ...change }));
}

function decisionOf(rule: Rule, observed: Observed): Decision {
  const base = { ruleId: rule.id, ruleName: rule.name };
  switch (rule.then.type) {
    case 'auto-approve':
      return { outcome: 'auto-approve', ...base, observed };
    case 'auto-reject':
      return { outcome: 'auto-reject', ...base, reason: rule.then.reason, observed };
    case 'require-approval':
      return { outcome: 'require-approval', ...base, levels: resolveLevels(rule.then.levels), observed };
  }
}
