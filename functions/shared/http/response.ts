import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SECURITY_HEADERS } from './security-headers';

export interface JsonResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body that is not JSON (CSV): sent as is, with the content-type its headers give. */
  text?: string;
}

/** A strong ETag carrying the resource version; `If-Match` sends it back. */
export const etagOf = (version: number) => `"${version}"`;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): JsonResponse {
  return { status, body, headers };
}

/**
 * A CSV download (RFC 4180, UTF-8). The filename is the server's own (never client input), so the
 * header needs no quoting beyond the fixed form.
 */
export function csv(text: string, filename: string, headers: Record<string, string> = {}): JsonResponse {
  return {
    status: 200,
    text,
    headers: {
      'content-type': 'text/csv; charset=utf-8; header=present',
      'content-disposition': `attachment; filename="${filename}"`,
      ...headers,
    },
  };
}

export function toApiGatewayResult(response: JsonResponse): APIGatewayProxyStructuredResultV2 {
  if (response.text !== undefined)
    return {
      statusCode: response.status,
      headers: { 'cache-control': 'no-store', ...response.headers, ...SECURITY_HEADERS },
      body: response.text,
    };
  return {
    statusCode: response.status,
    headers: {
      ...(response.body === undefined ? {} : { 'content-type': 'application/json' }),
      // Responses carry tenant data: no shared cache may keep them.
      'cache-control': 'no-store',
      ...response.headers,
      ...SECURITY_HEADERS,
    },
    body: response.body === undefined ? '' : JSON.stringify(response.body),
  };
}
