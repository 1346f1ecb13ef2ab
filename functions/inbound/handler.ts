import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Principal } from '../shared/auth/principal';
import { ValidationError } from '../shared/http/errors';
import type { HttpLambda } from '../shared/http/handler';
import { answerIdempotently } from '../shared/http/idempotent-request';
import { problemResponses } from '../shared/http/middlewares/problem-responses';
import type { Operation } from '../shared/http/operation';
import { type ParsedRequest, parseRequest } from '../shared/http/request';
import { requestLogContext } from '../shared/http/request-log-context';
import { type JsonResponse, toApiGatewayResult } from '../shared/http/response';
import type { IdempotencyClaim } from '../shared/idempotency/claim';
import type { IdempotencyRecord } from '../shared/idempotency/record';
import { logger } from '../shared/logger';
import { NO_EARLY_TIMEOUT } from '../shared/middy-options';
import type { InboundKind } from './schemas';
import type { SourceLookup } from './store';
import { verifyMessage } from './verify-message';

/** A message id as receivers de-duplicate on it; it becomes the idempotency key. */
const WEBHOOK_ID_PATTERN = /^[\x21-\x7e]{1,255}$/;

export type InboundInput<Op extends Operation> = Pick<ParsedRequest<Op>, 'params' | 'body'> & {
  source: SourceLookup;
  principal: Principal;
  webhookId: string;
  now: Date;
};

export interface InboundRoute<Op extends Operation> {
  kind: InboundKind;
  /** Who the source acts as: its tenant comes from the source, never from the message. */
  principalOf(source: SourceLookup): Principal;
  /** The effect, with the idempotency record's Put to commit in its transaction. */
  run(input: InboundInput<Op>, claim: IdempotencyClaim): Promise<JsonResponse>;
  /** A message id seen before: the first answer, from what it created, as it is now. */
  replay(input: InboundInput<Op>, record: IdempotencyRecord): Promise<JsonResponse>;
}

/** The exact text received: API Gateway base64-encodes bodies it does not take for text. */
const rawBody = (event: APIGatewayProxyEventV2) =>
  event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');

/**
 * The middy stack of the public inbound routes (no JWT: the signature is the authentication):
 * log context → problem responses → verify the raw body against the source's secrets (401 before
 * anything is parsed or read beyond the source) → parse and validate as any route does → the
 * effect, once per `webhook-id` (a replay answers as the first message did, with
 * `idempotent-replayed: true`). Security headers come with every answer, as on every route.
 */
export function inboundHandler<Op extends Operation>(op: Op, route: InboundRoute<Op>): HttpLambda {
  if (!('public' in op.auth)) throw new Error(`${op.operationId} must be public: its callers have no token`);
  const respond = async (event: APIGatewayProxyEventV2) => {
    const now = new Date();
    const sourceId = event.pathParameters?.sourceId ?? '';
    const { source, webhookId } = await verifyMessage(
      route.kind,
      sourceId,
      event.headers ?? {},
      rawBody(event),
      now,
    );
    logger.appendKeys({ tenantId: source.tenantId, sourceId, operation: op.operationId });
    if (!WEBHOOK_ID_PATTERN.test(webhookId))
      throw new ValidationError([
        { field: 'header.webhook-id', message: 'must be 1 to 255 visible ASCII characters' },
      ]);
    const { params, body } = parseRequest(op, event);
    const principal = route.principalOf(source);
    const input: InboundInput<Op> = { params, body, source, principal, webhookId, now };
    const response = await answerIdempotently(
      op,
      { principal, params, body, idempotencyKey: webhookId },
      now,
      (claim) => route.run(input, claim),
      (record) => route.replay(input, record),
    );
    return toApiGatewayResult(response);
  };
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(respond, NO_EARLY_TIMEOUT)
    .use(requestLogContext())
    .use(problemResponses(logger)) as unknown as HttpLambda;
}
