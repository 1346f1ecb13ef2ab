import { compareDecimals } from './decimal';
import { InvalidApprovalRulesError, type RuleIssue } from './errors';
import { type Conditions, CREDIT_GUARD_ID, type Level, NON_APPROVING_ROLES, type RuleSet } from './rules';

/** A rule with no condition matches every order. */
export const isUnconditional = (when: Conditions): boolean =>
  Object.values(when).every((value) => value === undefined);

/**
 * What the schema cannot check, as issues that name their rule (empty: the set is usable).
 * `location` prefixes field paths the way the client wrote them (`body.rules.3.when…`).
 */
export function validateRuleSet(ruleSet: RuleSet, location = 'body'): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const firstIndexOf = new Map<string, number>();
  const lastIndex = ruleSet.rules.length - 1;

  ruleSet.rules.forEach((rule, i) => {
    const add = (path: (string | number)[], message: string) =>
      issues.push({ field: [location, 'rules', i, ...path].join('.'), message, rule: rule.id });

    const first = firstIndexOf.get(rule.id);
    if (first === undefined) firstIndexOf.set(rule.id, i);
    else add(['id'], `rule ${first} already has the id '${rule.id}'; rule ids must be unique`);
    if (rule.id === CREDIT_GUARD_ID) {
      add(['id'], `'${CREDIT_GUARD_ID}' names the credit guard in decisions; give the rule another id`);
    }

    const { orderTotalAtLeast: from, orderTotalBelow: below } = rule.when;
    if (from !== undefined && below !== undefined && compareDecimals(from, below) >= 0) {
      add(
        ['when', 'orderTotalBelow'],
        `must be greater than orderTotalAtLeast (${from}): no order total is both ≥ ${from} and < ${below}`,
      );
    }

    if (i < lastIndex && isUnconditional(rule.when)) {
      add(
        ['when'],
        'has no conditions, so it matches every order and the rules after it are never reached; only the last rule may be unconditional',
      );
    }
    if (i === lastIndex && !isUnconditional(rule.when)) {
      add(
        ['when'],
        'the last rule must have no conditions (`"when": {}`) so that every order gets a decision',
      );
    }

    if (rule.then.type === 'require-approval') {
      checkLevels(rule.then.levels, (path, message) => add(['then', ...path], message));
    }
  });

  // The credit guard's issues name it as their rule: it decides in the rules' place.
  const addGuard = (path: (string | number)[], message: string) =>
    issues.push({ field: [location, ...path].join('.'), message, rule: CREDIT_GUARD_ID });
  if (ruleSet.overCreditLimit?.type === 'require-approval') {
    checkLevels(ruleSet.overCreditLimit.levels, (path, message) =>
      addGuard(['overCreditLimit', ...path], message),
    );
  }
  const overriders = new Set<string>();
  ruleSet.creditOverrideRoles?.forEach((role, k) => {
    if (NON_APPROVING_ROLES.includes(role)) {
      addGuard(
        ['creditOverrideRoles', k],
        `'${role}' never approves orders, so it cannot approve past a limit`,
      );
    }
    if (overriders.has(role)) addGuard(['creditOverrideRoles', k], `'${role}' is listed twice`);
    overriders.add(role);
  });
  return issues;
}

/** Who a level waits on and escalates to must approve orders; one person never holds two levels. */
function checkLevels(
  levels: readonly Level[],
  add: (path: (string | number)[], message: string) => void,
): void {
  const levelOf = new Map<string, number>();
  levels.forEach((level, k) => {
    if (NON_APPROVING_ROLES.includes(level.role)) {
      add(['levels', k, 'role'], `'${level.role}' never approves orders; use a role that does`);
    }
    if (level.escalateTo !== undefined && NON_APPROVING_ROLES.includes(level.escalateTo)) {
      add(
        ['levels', k, 'escalateTo'],
        `'${level.escalateTo}' never approves orders; escalate to a role that does`,
      );
    }
    if (level.approverUserId !== undefined) {
      const earlier = levelOf.get(level.approverUserId);
      if (earlier === undefined) levelOf.set(level.approverUserId, k);
      else
        add(
          ['levels', k, 'approverUserId'],
          `level ${earlier} names the same approver; one person cannot approve two levels of an order`,
        );
    }
  });
}

/** Throws the 422 problem when the set cannot be used. */
export function assertValidRuleSet(ruleSet: RuleSet, location = 'body'): void {
  const issues = validateRuleSet(ruleSet, location);
  if (issues.length > 0) throw new InvalidApprovalRulesError(issues);
}
