import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Principal } from '../auth/principal';
import { logger } from '../logger';
import { NO_EARLY_TIMEOUT } from '../middy-options';
import { authorize, type EventWithPrincipal, PRINCIPAL } from './middlewares/authorize';
import { idempotency } from './middlewares/idempotency';
import { problemResponses } from './middlewares/problem-responses';
import type { Operation } from './operation';
import { type ParsedRequest, parseRequest } from './request';
import { type JsonResponse, toApiGatewayResult } from './response';

export type HttpInput<Op extends Operation> = ParsedRequest<Op> & {
  principal: Principal;
  requestId: string;
};

export type HttpLambda = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const PARSED = Symbol('orderly.parsed');
type Event = EventWithPrincipal & { [PARSED]?: ParsedRequest<Operation> };

/**
 * The one middy stack of every private route: log context → problem responses → authorize
 * (tenant + roles) → validate input against the contract → idempotency → the operation.
 * Validation runs before idempotency, so bad input is refused without touching the key.
 */
export function httpHandler<Op extends Operation>(
  op: Op,
  run: (input: HttpInput<Op>) => Promise<JsonResponse>,
): HttpLambda {
  if ('public' in op.auth)
    throw new Error(`${op.operationId} is public: use publicHandler (public-handler.ts)`);
  const stack = middy<Event, APIGatewayProxyStructuredResultV2>(async (event: Event) => {
    const parsed = event[PARSED] as ParsedRequest<Op>;
    const principal = event[PRINCIPAL] as Principal;
    logger.appendKeys({ tenantId: principal.tenantId, operation: op.operationId });
    return toApiGatewayResult(await run({ ...parsed, principal, requestId: event.requestContext.requestId }));
  }, NO_EARLY_TIMEOUT)
    .use(injectLambdaContext(logger, { correlationIdPath: 'requestContext.requestId', resetKeys: true }))
    .use(problemResponses(logger))
    .use(authorize(op.auth.roles))
    .use({
      before: (request) => {
        request.event[PARSED] = parseRequest(op, request.event);
      },
    });
  if (op.idempotent) stack.use(idempotency(op.operationId));
  return stack as unknown as HttpLambda;
}
