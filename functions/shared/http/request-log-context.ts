import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger } from '../logger';

/**
 * The log context of every HTTP route (private, public, signed inbound): each line carries the
 * API Gateway request id as correlation id, keys appended for one request are dropped before the
 * next, and the event itself is never logged, whatever POWERTOOLS_LOGGER_LOG_EVENT says — it holds
 * the bearer token, or a signed body of customer data and its signature.
 */
export const requestLogContext = () =>
  injectLambdaContext(logger, {
    correlationIdPath: 'requestContext.requestId',
    resetKeys: true,
    logEvent: false,
  });
