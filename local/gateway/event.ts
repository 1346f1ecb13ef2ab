import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';

export interface IncomingRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  rawQueryString: string;
  /** Header names in lower case; repeated headers joined by commas, as API Gateway does. */
  headers: Record<string, string>;
  body: Buffer;
  sourceIp?: string;
}

const TEXT_TYPES = /^(?:application\/(?:[\w.+-]+\+)?(?:json|xml|x-www-form-urlencoded)|text\/)/i;

/**
 * Builds the event API Gateway's HTTP API sends a Lambda with payload format 2.0. Claims are
 * passed the way its JWT authorizer passes them: arrays flattened to `[a b]` strings.
 */
export function buildHttpApiEvent(
  request: IncomingRequest,
  route: { routeKey: string; pathParameters?: Record<string, string> },
  claims?: Record<string, unknown>,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const now = new Date();
  const host = request.headers.host ?? 'localhost';
  const contentType = request.headers['content-type'] ?? '';
  const isText = request.body.length === 0 || TEXT_TYPES.test(contentType);
  const query = new URLSearchParams(request.rawQueryString);
  const queryStringParameters: Record<string, string> = {};
  for (const key of new Set(query.keys())) queryStringParameters[key] = query.getAll(key).join(',');
  const cookies = request.headers.cookie?.split(/;\s*/).filter(Boolean);
  const headers = { ...request.headers };
  delete headers.cookie;
  const event = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: request.path,
    rawQueryString: request.rawQueryString,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length ? { queryStringParameters } : {}),
    ...(route.pathParameters && Object.keys(route.pathParameters).length
      ? { pathParameters: route.pathParameters }
      : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      ...(claims
        ? {
            authorizer: {
              jwt: { claims: flattenClaims(claims), scopes: null },
              principalId: '',
              integrationLatency: 0,
            },
          }
        : {}),
      domainName: host,
      // The first label, as API Gateway gives it (a split always has one part).
      domainPrefix: host.split('.')[0] as string,
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: request.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(request.body.length
      ? { body: isText ? request.body.toString('utf8') : request.body.toString('base64') }
      : {}),
    isBase64Encoded: !isText,
  };
  return event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

function flattenClaims(claims: Record<string, unknown>): Record<string, string | number | boolean> {
  const flat: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (Array.isArray(value)) flat[name] = `[${value.join(' ')}]`;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      flat[name] = value;
    else if (value !== null && value !== undefined) flat[name] = JSON.stringify(value);
  }
  return flat;
}
