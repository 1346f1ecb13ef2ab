import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from './errors';
import { quoteInput } from './quote-input';
import { SECURITY_HEADERS } from './security-headers';

/** RFC 9457 problem details. `type` URIs are stable identifiers, not links. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

export const PROBLEM_TYPE_PREFIX = 'urn:orderly:problem:';

/**
 * Errors quote client input only through `quoteInput`; this cap is the backstop for a detail
 * that forgot to, so that no problem body grows with what the client sent.
 */
const MAX_DETAIL_CHARS = 500;

export function problemFromError(
  error: unknown,
  requestId?: string,
): { problem: Problem; headers: Record<string, string> } {
  if (error instanceof HttpError) {
    return {
      problem: {
        // Extensions first: they may add members, never replace the ones RFC 9457 defines.
        ...error.extensions,
        type: PROBLEM_TYPE_PREFIX + error.type,
        title: error.title,
        status: error.statusCode,
        detail: quoteInput(error.detail, MAX_DETAIL_CHARS),
        ...(requestId ? { requestId } : {}),
      },
      headers: error.headers,
    };
  }
  // Anything else is a bug or an outage: say nothing about internals, give the id to quote.
  return {
    problem: {
      type: `${PROBLEM_TYPE_PREFIX}internal-error`,
      title: 'Internal error',
      status: 500,
      detail: 'Something went wrong on our side. Quote the requestId if you contact support.',
      ...(requestId ? { requestId } : {}),
    },
    headers: {},
  };
}

export function problemResponse(
  problem: Problem,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...headers, ...SECURITY_HEADERS },
    body: JSON.stringify(problem),
  };
}
