import { ConflictError, type FieldIssue, HttpError } from '../shared/http/errors';
import type { NeedStatus } from './lifecycle';

/** The need names what the tenant does not have (a customer, a product): 422, nothing written. */
export class UnprocessableNeedError extends HttpError {
  constructor(type: string, title: string, issues: FieldIssue[]) {
    super(422, type, title, issues.map((i) => `${i.field}: ${i.message}`).join('; '), { errors: issues });
  }
}

/**
 * A status change the lifecycle does not allow (lifecycle.ts). The need's statuses go out as
 * `from`/`to` and what `from` allows as `allowed`: `status` is the problem's HTTP status (RFC 9457).
 */
export class InvalidTransitionError extends ConflictError {
  constructor(from: NeedStatus, to: NeedStatus, allowed: readonly NeedStatus[]) {
    super(
      'invalid-need-transition',
      'The need cannot move to this status',
      `A ${from} need cannot become ${to}${allowed.length ? ` (it can become ${allowed.join(', ')})` : `: ${from} is final`}.`,
      { from, to, allowed, errors: [{ field: 'body.status', message: `not allowed from ${from}` }] },
    );
  }
}
