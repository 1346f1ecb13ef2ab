import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger } from '../logger';
import type { HttpLambda } from './handler';
import { problemResponses } from './middlewares/problem-responses';
import type { Operation } from './operation';
import { requestLogContext } from './request-log-context';
import { withSecurityHeaders } from './security-headers';

/**
 * Public routes (health, API description): no principal, no input, the same logging and error
 * shape. Kept apart from `handler.ts` so their bundles carry neither DynamoDB nor idempotency.
 */
export function publicHandler(
  op: Operation,
  run: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>,
): HttpLambda {
  if (!('public' in op.auth)) throw new Error(`${op.operationId} is not public: use httpHandler`);
  const respond = async (event: APIGatewayProxyEventV2) => withSecurityHeaders(await run(event));
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(respond)
    .use(requestLogContext())
    .use(problemResponses(logger)) as unknown as HttpLambda;
}
