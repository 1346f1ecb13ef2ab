import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { HttpFunction } from '../../functions/manifest';
import { HttpError, UnauthorizedError } from '../../functions/shared/http/errors';
import { problemFromError } from '../../functions/shared/http/problem';
import { SECURITY_HEADERS } from '../../functions/shared/http/security-headers';
import type { LambdaRuntime } from '../lambda/runtime';
import type { Verifier } from './dev-tokens';
import { buildHttpApiEvent, type IncomingRequest } from './event';
import { TOKEN_PATH, type TokenEndpoint } from './oauth-token';
import { RouteNotFoundError, UnparsableRequestError } from './problems';
import { compileRoutes } from './routes';

/** HTTP API's own payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface GatewayOptions {
  port: number;
  host?: string;
  functions: readonly HttpFunction[];
  runtime: LambdaRuntime;
  verify: Verifier;
  /** Serves `POST /oauth2/token` (machine clients' client-credentials grant: oauth-token.ts). */
  tokenEndpoint?: TokenEndpoint;
  log?: (line: string) => void;
}

/**
 * The local stand-in for API Gateway's HTTP API: routes from the manifest, the JWT check of
 * its authorizer on every non-public route, payload format 2.0 events, and the same statuses
 * for what never reaches a handler (unknown route, oversized payload, failed function). Unknown
 * routes, malformed paths and failed JWT checks are answered as problems (README: where the
 * twin and AWS differ); AWS answers them with its own fixed bodies.
 */
export async function startGateway(
  options: GatewayOptions,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const router = compileRoutes(options.functions);
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      options.log?.(`gateway error: ${String(error)}`);
      if (!res.headersSent)
        sendOwn(res, 500, { 'content-type': 'application/json' }, '{"message":"Internal Server Error"}');
    });
  });
  server.keepAliveTimeout = 30_000;
  // Requests Node's parser refuses before any handler runs (headers over 16 KiB, a malformed
  // request line) still get a problem document, not a bare status line.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { problem } = problemFromError(new UnparsableRequestError(error.code === 'HPE_HEADER_OVERFLOW'));
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        `content-type: application/problem+json\r\n${rawHeaders(SECURITY_HEADERS)}` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const started = performance.now();
    const requestId = randomUUID();
    res.setHeader('apigw-requestid', requestId);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readBody(req);
    if (body === 'too-large') {
      return sendOwn(
        res,
        413,
        { 'content-type': 'application/json' },
        '{"message":"Request Entity Too Large"}',
      );
    }
    const method = req.method ?? 'GET';
    // Cognito's token endpoint lives on the user pool's domain; the twin serves it beside the API.
    if (url.pathname === TOKEN_PATH && options.tokenEndpoint) {
      const answer = await options.tokenEndpoint({ method, headers: collectHeaders(req), body });
      sendOwn(res, answer.status, answer.headers, answer.body);
      options.log?.(`${method} ${url.pathname} → ${answer.status}`);
      return;
    }
    let match: ReturnType<typeof router.match>;
    try {
      match = router.match(method, url.pathname);
    } catch (error) {
      if (error instanceof HttpError) return sendProblem(res, error, requestId);
      throw error;
    }
    if (!match)
      return sendProblem(
        res,
        new RouteNotFoundError(method, url.pathname, router.methodsOn(url.pathname)),
        requestId,
      );

    const headers = collectHeaders(req);
    let claims: Record<string, unknown> | undefined;
    if (!('public' in match.fn.operation.auth)) {
      try {
        claims = await options.verify(bearerToken(headers.authorization));
      } catch (error) {
        return sendProblem(
          res,
          error instanceof UnauthorizedError ? error : new UnauthorizedError(describeJwtFailure(error)),
          requestId,
        );
      }
    }

    const request: IncomingRequest = {
      method,
      path: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      body,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
    };
    const event = buildHttpApiEvent(request, match, claims);
    (event.requestContext as { requestId: string }).requestId = requestId;

    let result: unknown;
    try {
      result = await options.runtime.invoke(match.fn, event, { correlationId: requestId });
    } catch (error) {
      // A function that throws, exits or passes its time limit is a function error, which an HTTP
      // API answers with a bare 500 (its own 503 is for the 30 s integration timeout, which no
      // function of the manifest reaches: their limits are shorter).
      options.log?.(`${match.routeKey} failed: ${String(error)}`);
      return sendOwn(res, 500, { 'content-type': 'application/json' }, '{"message":"Internal Server Error"}');
    }
    const response = toHttpResponse(result);
    send(res, response.statusCode ?? 200, response.headers ?? {}, responseBody(response), response.cookies);
    options.log?.(
      `${method} ${url.pathname} → ${response.statusCode} ${(performance.now() - started).toFixed(1)} ms`,
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function bearerToken(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) throw new UnauthorizedError('Send Authorization: Bearer <token>.');
  return match[1];
}

function describeJwtFailure(error: unknown): string {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'ERR_JWT_EXPIRED') return 'The token has expired.';
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'The token signature is not valid.';
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return 'The token was not issued for this API.';
  return 'The token is malformed or not valid.';
}

function sendProblem(res: ServerResponse, error: unknown, requestId: string) {
  const { problem, headers } = problemFromError(error, requestId);
  sendOwn(
    res,
    problem.status,
    { 'content-type': 'application/problem+json', ...headers },
    JSON.stringify(problem),
  );
}

/**
 * What the gateway answers itself carries the API's security headers. A function's response
 * passes as the function made it, as API Gateway passes it: the functions add their own, and a
 * function that forgot would show here as it would in AWS.
 */
function sendOwn(res: ServerResponse, status: number, headers: Record<string, string>, body: string) {
  send(res, status, { ...headers, ...SECURITY_HEADERS }, body);
}

const rawHeaders = (headers: Readonly<Record<string, string>>) =>
  Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');

/** Payload format 2.0: a result without `statusCode` is a 200 JSON body. */
function toHttpResponse(result: unknown): APIGatewayProxyStructuredResultV2 {
  if (result && typeof result === 'object' && 'statusCode' in result)
    return result as APIGatewayProxyStructuredResultV2;
  if (typeof result === 'string')
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: result };
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(result ?? null),
  };
}

function responseBody(response: APIGatewayProxyStructuredResultV2): Buffer {
  if (!response.body) return Buffer.alloc(0);
  return response.isBase64Encoded ? Buffer.from(response.body, 'base64') : Buffer.from(response.body);
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | number | boolean>,
  body: string | Buffer,
  cookies?: string[],
) {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, String(value));
  if (cookies?.length) res.setHeader('set-cookie', cookies);
  res.statusCode = status;
  res.end(body);
}

function collectHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  headers['x-forwarded-proto'] ??= 'http';
  return headers;
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
