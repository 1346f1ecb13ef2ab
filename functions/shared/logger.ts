import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';

/**
 * One logger per execution environment: JSON lines, the request id as correlation id. The level
 * comes from POWERTOOLS_LOG_LEVEL (the stack sets INFO; tests set SILENT).
 */
export const logger = new Logger({ serviceName: 'orderly', correlationIdSearchFn: search });
