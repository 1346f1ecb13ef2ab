import type { FilterPattern } from '../../functions/manifest';

/**
 * Lambda's event filtering (FilterCriteria), as the twin's stream poller applies it before a
 * record can reach a consumer: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 * Lambda matches with EventBridge's pattern rules, and so does this:
 *
 * - A pattern is an object whose keys are fields of the record. Nested objects go down into the
 *   record (AND across keys); an array is the list of rules for a leaf, any one of which may match
 *   (OR). `$or: [pattern, …]` matches when one of its patterns does.
 * - Rules: a literal (string, number, boolean, null: equal to the value), `{prefix}`, `{suffix}`,
 *   `{equals-ignore-case}`, `{anything-but: value | [values] | {prefix|suffix|equals-ignore-case}}`,
 *   `{numeric: [op, n(, op, n)]}`, `{exists: true|false}`.
 * - Only leaves hold values: a field whose value is an object (`NewImage.status`, which is
 *   `{S: …}`) is not a leaf, so `exists: true` on it never matches and `exists: false` always does —
 *   the pitfall Lambda's DynamoDB filtering page warns about (write `status: {S: [{exists: true}]}`).
 *   A missing field matches nothing but `exists: false`; `anything-but` needs the field present.
 * - When the record holds a list at that place, the rule matches if any element of it does.
 * - `numeric` also takes a string that is a decimal number: DynamoDB's numbers (`{N: "12.5"}`) are
 *   strings in the record, and Lambda's DynamoDB filtering compares them numerically.
 */

/** A pattern Lambda would refuse when the event source mapping is created. */
export class FilterPatternError extends Error {
  override name = 'FilterPatternError';
}

/** True when the record matches one of the patterns (Lambda ORs a mapping's filters); no filters let all through. */
export function matchesAnyFilter(patterns: readonly FilterPattern[], record: unknown): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matchesPattern(pattern, record));
}

export function matchesPattern(pattern: FilterPattern, value: unknown): boolean {
  for (const [field, rule] of Object.entries(pattern)) {
    if (field === '$or') {
      if (!(rule as readonly FilterPattern[]).some((alternative) => matchesPattern(alternative, value)))
        return false;
      continue;
    }
    const fieldValue = isPlainObject(value) ? value[field] : undefined;
    const matched = Array.isArray(rule)
      ? matchesLeaf(rule, fieldValue)
      : matchesNested(rule as FilterPattern, fieldValue);
    if (!matched) return false;
  }
  return true;
}

function matchesNested(pattern: FilterPattern, value: unknown): boolean {
  if (Array.isArray(value)) {
    // An empty list holds no leaves: the nested pattern sees nothing there, as for a missing field.
    return value.length
      ? value.some((element) => matchesPattern(pattern, element))
      : matchesPattern(pattern, undefined);
  }
  return matchesPattern(pattern, value);
}

function matchesLeaf(rules: readonly unknown[], value: unknown): boolean {
  const leaves = leavesOf(value);
  if (leaves.length === 0) return rules.some((rule) => isPlainObject(rule) && rule.exists === false);
  return rules.some((rule) => leaves.some((leaf) => matchesRule(rule, leaf)));
}

type Leaf = string | number | boolean | null;

/** The values a rule can compare with: the field itself, or the leaf elements of a list. */
function leavesOf(value: unknown): Leaf[] {
  if (value === undefined || isPlainObject(value)) return [];
  if (Array.isArray(value)) return value.filter((element): element is Leaf => isLeaf(element));
  return isLeaf(value) ? [value] : [];
}

function isLeaf(value: unknown): value is Leaf {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function matchesRule(rule: unknown, leaf: Leaf): boolean {
  if (!isPlainObject(rule)) return rule === leaf;
  const [operator, operand] = Object.entries(rule)[0] as [string, unknown];
  switch (operator) {
    case 'exists':
      return operand === true;
    case 'prefix':
      return typeof leaf === 'string' && affixMatches(operand, leaf, (text, affix) => text.startsWith(affix));
    case 'suffix':
      return typeof leaf === 'string' && affixMatches(operand, leaf, (text, affix) => text.endsWith(affix));
    case 'equals-ignore-case':
      return typeof leaf === 'string' && leaf.toLowerCase() === String(operand).toLowerCase();
    case 'anything-but':
      return !anythingButExcludes(operand, leaf);
    case 'numeric':
      return numericMatches(operand as readonly unknown[], leaf);
    default:
      return false;
  }
}

/** `prefix` and `suffix` take a string, or `{equals-ignore-case: string}`. */
function affixMatches(
  operand: unknown,
  text: string,
  test: (text: string, affix: string) => boolean,
): boolean {
  if (typeof operand === 'string') return test(text, operand);
  const affix = String((operand as Record<string, unknown>)['equals-ignore-case']);
  return test(text.toLowerCase(), affix.toLowerCase());
}

function anythingButExcludes(operand: unknown, leaf: Leaf): boolean {
  if (Array.isArray(operand)) return operand.includes(leaf);
  if (!isPlainObject(operand)) return operand === leaf;
  return matchesRule(operand, leaf);
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function numericMatches(conditions: readonly unknown[], leaf: Leaf): boolean {
  const value =
    typeof leaf === 'number' ? leaf : typeof leaf === 'string' && DECIMAL.test(leaf) ? Number(leaf) : NaN;
  if (Number.isNaN(value)) return false;
  for (let i = 0; i < conditions.length; i += 2) {
    const compare = COMPARE[conditions[i] as string] as (a: number, b: number) => boolean;
    if (!compare(value, conditions[i + 1] as number)) return false;
  }
  return true;
}

const DECIMAL = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Throws a FilterPatternError naming the place of the first thing Lambda would refuse: a leaf
 * that is not a list of rules, an unknown operator, a malformed `numeric` or `anything-but`.
 * The poller checks every consumer's filters when it starts, so a typo fails loudly rather than
 * filtering everything out.
 */
export function checkFilterPattern(pattern: unknown, path = 'pattern'): void {
  if (!isPlainObject(pattern) || Object.keys(pattern).length === 0) {
    throw new FilterPatternError(`${path} must be a non-empty object of fields`);
  }
  for (const [field, rule] of Object.entries(pattern)) {
    const at = `${path}.${field}`;
    if (field === '$or') {
      if (!Array.isArray(rule) || rule.length < 2)
        throw new FilterPatternError(`${at} must list two patterns or more`);
      for (const [i, alternative] of rule.entries()) checkFilterPattern(alternative, `${at}[${i}]`);
    } else if (Array.isArray(rule)) {
      if (rule.length === 0) throw new FilterPatternError(`${at} is an empty list of rules`);
      for (const [i, one] of rule.entries()) checkRule(one, `${at}[${i}]`);
    } else if (isPlainObject(rule)) {
      checkFilterPattern(rule, at);
    } else {
      throw new FilterPatternError(
        `${at} must be a list of rules or a nested pattern, not ${JSON.stringify(rule)}`,
      );
    }
  }
}

function checkRule(rule: unknown, at: string): void {
  if (isLeaf(rule)) return;
  if (!isPlainObject(rule) || Object.keys(rule).length !== 1) {
    throw new FilterPatternError(`${at} must be a value or an object with one operator`);
  }
  const [operator, operand] = Object.entries(rule)[0] as [string, unknown];
  const fail = (why: string) => {
    throw new FilterPatternError(`${at}: ${operator} ${why}`);
  };
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') fail('takes true or false');
      return;
    case 'equals-ignore-case':
      if (typeof operand !== 'string') fail('takes a string');
      return;
    case 'prefix':
    case 'suffix':
      if (typeof operand !== 'string' && !isIgnoreCase(operand))
        fail('takes a string or {"equals-ignore-case": string}');
      return;
    case 'anything-but':
      if (
        Array.isArray(operand)
          ? !operand.every((value) => isLeaf(value))
          : !isLeaf(operand) && !isAnythingButOperator(operand)
      ) {
        fail('takes a value, a list of values, or {prefix|suffix|equals-ignore-case: string}');
      }
      return;
    case 'numeric':
      if (!isNumericRange(operand))
        fail('takes [op, number] or [op, number, op, number] with op one of = < <= > >=');
      return;
    default:
      fail('is not an operator of Lambda’s filters');
  }
}

const isIgnoreCase = (operand: unknown) =>
  isPlainObject(operand) &&
  Object.keys(operand).length === 1 &&
  typeof operand['equals-ignore-case'] === 'string';

function isAnythingButOperator(operand: unknown): boolean {
  if (!isPlainObject(operand) || Object.keys(operand).length !== 1) return false;
  const [operator, value] = Object.entries(operand)[0] as [string, unknown];
  return ['prefix', 'suffix', 'equals-ignore-case'].includes(operator) && typeof value === 'string';
}

function isNumericRange(operand: unknown): boolean {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) return false;
  for (let i = 0; i < operand.length; i += 2) {
    if (!(operand[i] in COMPARE) || typeof operand[i + 1] !== 'number') return false;
  }
  // A range is a lower bound then an upper one, as EventBridge requires.
  return operand.length === 2 || (['>', '>='].includes(operand[0]) && ['<', '<='].includes(operand[2]));
}
