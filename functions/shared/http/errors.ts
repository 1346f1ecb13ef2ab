import { quoteInput } from './quote-input';

/**
 * The HTTP error vocabulary of Orderly. Domain code throws these; the one error
 * middleware (`middlewares/problem-responses.ts`) turns them into RFC 9457 problems.
 * `type` is a stable identifier clients may branch on; `title` is fixed per type;
 * `detail` explains this occurrence.
 */
export interface FieldIssue {
  /** Where the problem is, e.g. `body.address.country`, `query.limit`, `header.if-match`. */
  field: string;
  message: string;
}

export class HttpError extends Error {
  readonly statusCode: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    statusCode: number,
    type: string,
    title: string,
    detail: string,
    extensions: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.type = type;
    this.title = title;
    this.detail = detail;
    this.extensions = extensions;
    this.headers = headers;
  }
}

/**
 * At most this many issues are listed: a 64 KB body of unknown keys must not come back as
 * thousands of them. The detail still counts them all.
 */
export const MAX_LISTED_ISSUES = 100;

export class ValidationError extends HttpError {
  constructor(issues: FieldIssue[], detail = describeIssues(issues)) {
    super(400, 'validation-error', 'The request is not valid', detail, {
      errors: issues.slice(0, MAX_LISTED_ISSUES),
    });
  }
}

function describeIssues(issues: FieldIssue[]): string {
  const first = issues[0];
  if (!first) return 'The request is not valid.';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  const listed = issues.length > MAX_LISTED_ISSUES ? `; the first ${MAX_LISTED_ISSUES} are listed` : '';
  return `${first.field}: ${first.message}${more}${listed}`;
}

export class MalformedJsonError extends HttpError {
  constructor() {
    super(
      400,
      'malformed-json',
      'The body is not valid JSON',
      'The request body could not be parsed as JSON.',
      {
        errors: [{ field: 'body', message: 'not valid JSON' }],
      },
    );
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor(received: string | undefined) {
    super(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `Send the body as application/json (received ${received ? `'${quoteInput(received)}'` : 'no content-type'}).`,
      { errors: [{ field: 'header.content-type', message: 'must be application/json' }] },
    );
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(
      413,
      'payload-too-large',
      'The body is too large',
      `The request body exceeds ${limitBytes} bytes.`,
      {
        errors: [{ field: 'body', message: `larger than ${limitBytes} bytes` }],
      },
    );
  }
}

export class UnauthorizedError extends HttpError {
  constructor(detail = 'A valid bearer token is required.') {
    super(401, 'unauthorized', 'Not authenticated', detail, {}, { 'www-authenticate': 'Bearer' });
  }
}

export class ForbiddenError extends HttpError {
  /** `issues` name the fields a caller may not set (field-level permissions). */
  constructor(detail: string, issues?: FieldIssue[]) {
    super(403, 'forbidden', 'Not allowed', detail, issues ? { errors: issues } : {});
  }
}

export class NotFoundError extends HttpError {
  constructor(resource: string, id: string) {
    super(404, 'not-found', 'Not found', `${resource} '${quoteInput(id)}' does not exist.`);
  }
}

export class ConflictError extends HttpError {
  constructor(type: string, title: string, detail: string, extensions: Record<string, unknown> = {}) {
    super(409, type, title, detail, extensions);
  }
}

export class PreconditionFailedError extends HttpError {
  constructor(currentVersion: number) {
    super(
      412,
      'precondition-failed',
      'The resource has changed',
      `If-Match does not match the current version (${currentVersion}); fetch it again and retry.`,
      { currentVersion },
    );
  }
}

export class PreconditionRequiredError extends HttpError {
  constructor() {
    super(
      428,
      'precondition-required',
      'If-Match is required',
      'Send If-Match with the ETag from your last read so concurrent updates are not lost.',
      { errors: [{ field: 'header.if-match', message: 'required' }] },
    );
  }
}

export class IdempotencyKeyReusedError extends HttpError {
  constructor() {
    super(
      422,
      'idempotency-key-reused',
      'Idempotency-Key reused with a different request',
      'This Idempotency-Key was already used with a different body; use a new key for a new request.',
      { errors: [{ field: 'header.idempotency-key', message: 'already used with a different body' }] },
    );
  }
}

/** A natural key (`externalRef`) already belongs to another resource of the tenant: that one is named. */
export class ExternalRefTakenError extends ConflictError {
  constructor(resource: string, existingId: string) {
    super(
      'external-ref-taken',
      'The externalRef is taken',
      `${resource} '${existingId}' already has this externalRef; read it instead of creating another.`,
      { existingId, errors: [{ field: 'body.externalRef', message: `already used by ${existingId}` }] },
    );
  }
}
