import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from '../errors';
import { problemFromError, problemResponse } from '../problem';

/**
 * The one place errors become responses: RFC 9457 problems for every failure, one access-log
 * line per request. Registered first so its `onError` runs last.
 */
export function problemResponses(
  logger: Logger,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    after: (request) => {
      logger.info('request', { routeKey: request.event.routeKey, status: request.response?.statusCode });
    },
    onError: (request) => {
      const error = request.error;
      const requestId = request.event.requestContext?.requestId;
      const { problem, headers } = problemFromError(error, requestId);
      if (error instanceof HttpError) {
        logger.info('request', {
          routeKey: request.event.routeKey,
          status: problem.status,
          problem: problem.type,
        });
      } else {
        // Only the error is logged, never the request: bodies carry personal data.
        logger.error('unhandled error', {
          routeKey: request.event.routeKey,
          status: 500,
          error: error as Error,
        });
      }
      request.response = problemResponse(problem, headers);
    },
  };
}
