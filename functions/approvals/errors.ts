import { type FieldIssue, HttpError } from '../shared/http/errors';

/** A field issue in a rule set, naming the rule (by id) it belongs to. */
export interface RuleIssue extends FieldIssue {
  rule: string;
}

/** The rule set is well-formed but cannot be used (422); every error names its rule. */
export class InvalidApprovalRulesError extends HttpError {
  readonly issues: RuleIssue[];

  constructor(issues: RuleIssue[]) {
    super(422, 'invalid-approval-rules', 'The approval rules are not valid', describe(issues), {
      errors: issues,
    });
    this.issues = issues;
  }
}

function describe(issues: RuleIssue[]): string {
  const first = issues[0];
  if (!first) return 'The approval rules are not valid.';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `Rule '${first.rule}': ${first.field}: ${first.message}${more}`;
}
