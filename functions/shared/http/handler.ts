import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { assertMaySetFields } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { type IdempotencyClaim, NO_CLAIM } from '../idempotency/claim';
import { logger } from '../logger';
import { NO_EARLY_TIMEOUT } from '../middy-options';
import { answerIdempotently, type Replay } from './idempotent-request';
import { authorize, type EventWithPrincipal, PRINCIPAL } from './middlewares/authorize';
import { problemResponses } from './middlewares/problem-responses';
import type { Operation } from './operation';
import { type ParsedRequest, parseRequest } from './request';
import { requestLogContext } from './request-log-context';
import { type JsonResponse, toApiGatewayResult } from './response';

export type HttpInput<Op extends Operation> = ParsedRequest<Op> & {
  principal: Principal;
  requestId: string;
  /** For creating operations: the idempotency record's Put, to add to the creating transaction. */
  claim: IdempotencyClaim;
};

export interface HttpOptions<Op extends Operation> {
  /** Creating operations: answers a retry from the record of the request that committed. */
  replay?: (input: Omit<HttpInput<Op>, 'claim'>, record: Parameters<Replay>[0]) => ReturnType<Replay>;
}

export type HttpLambda = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const PARSED = Symbol('orderly.parsed');
type Event = EventWithPrincipal & { [PARSED]?: ParsedRequest<Operation> };

/**
 * The one middy stack of every private route: log context → problem responses → authorize
 * (token, tenant, roles, scope) → validate input against the contract → the fields the caller may
 * set → the operation, which creating
 * operations run through `answerIdempotently` (their key's record commits with what they create).
 * Validation runs first, so bad input is refused without touching the key.
 */
export function httpHandler<Op extends Operation>(
  op: Op,
  run: (input: HttpInput<Op>) => Promise<JsonResponse>,
  options: HttpOptions<Op> = {},
): HttpLambda {
  if ('public' in op.auth)
    throw new Error(`${op.operationId} is public: use publicHandler (public-handler.ts)`);
  const { replay } = options;
  if (op.idempotent === true && !replay) throw new Error(`${op.operationId} is idempotent: give it a replay`);
  const stack = middy<Event, APIGatewayProxyStructuredResultV2>(async (event: Event) => {
    const parsed = event[PARSED] as ParsedRequest<Op>;
    const principal = event[PRINCIPAL] as Principal;
    logger.appendKeys({ tenantId: principal.tenantId, operation: op.operationId });
    const input = { ...parsed, principal, requestId: event.requestContext.requestId };
    const response =
      op.idempotent === true && replay
        ? await answerIdempotently(
            op,
            input,
            new Date(),
            (claim) => run({ ...input, claim }),
            (record) => replay(input, record),
          )
        : await run({ ...input, claim: NO_CLAIM });
    return toApiGatewayResult(response);
  }, NO_EARLY_TIMEOUT)
    .use(requestLogContext())
    .use(problemResponses(logger))
    .use(authorize(op))
    .use({
      before: (request) => {
        const parsed = parseRequest(op, request.event);
        assertMaySetFields(request.event[PRINCIPAL] as Principal, op, parsed.body);
        request.event[PARSED] = parsed;
      },
    });
  return stack as unknown as HttpLambda;
}
