import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SECURITY_HEADERS } from './security-headers';

export interface JsonResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A strong ETag carrying the resource version; `If-Match` sends it back. */
export const etagOf = (version: number) => `"${version}"`;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): JsonResponse {
  return { status, body, headers };
}

export function toApiGatewayResult(response: JsonResponse): APIGatewayProxyStructuredResultV2 {
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
