import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Principal } from '../../functions/shared/auth/principal';
import type { HttpLambda } from '../../functions/shared/http/handler';
import { claimsOf } from '../../local/gateway/claims-of';
import { buildHttpApiEvent } from '../../local/gateway/event';

export interface InvokeOptions {
  routeKey: string;
  /** Concrete path, e.g. `/v1/customers/01H…`; defaults to the route's path. */
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  principal?: Principal;
}

export interface InvokeResult {
  status: number;
  headers: Record<string, string>;
  body: any;
}

/** Calls a handler directly with the event the HTTP API (and its JWT authorizer) would send. */
export async function invoke(handler: HttpLambda, options: InvokeOptions): Promise<InvokeResult> {
  const [method = 'GET', routePath = '/'] = options.routeKey.split(' ');
  const body =
    options.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
  const headers: Record<string, string> = {
    ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
  const claims = options.principal ? claimsOf(options.principal) : undefined;
  const event = buildHttpApiEvent(
    {
      method,
      path: options.path ?? routePath,
      rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
      headers,
      body,
    },
    { routeKey: options.routeKey, pathParameters: options.pathParameters },
    claims,
  );
  const result = (await handler(event, fakeContext())) as APIGatewayProxyStructuredResultV2;
  const text = result.body ?? '';
  const contentType = String(result.headers?.['content-type'] ?? '');
  return {
    status: result.statusCode ?? 200,
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
    body: contentType.includes('json') && text ? JSON.parse(text) : text,
  };
}

export function fakeContext(functionName = 'test'): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

let tenantCounter = 0;
/** A tenant id no other test uses, so tests can share tables without seeing each other. */
export const uniqueTenant = (prefix = 't') =>
  `${prefix}-${process.pid}-${Date.now().toString(36)}-${tenantCounter++}`;

export const principal = (
  tenantId: string,
  roles: Principal['roles'] = ['admin'],
  userId = 'user-1',
): Principal => ({
  tenantId,
  userId,
  roles,
});
