import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type * as z from 'zod';
import { logger } from '../logger';
import { NO_EARLY_TIMEOUT } from '../middy-options';

/**
 * The one middy stack of every scheduled job (manifest `kind: 'schedule'`): log context, the
 * payload checked against the job's schema, the job with the time it runs at, and its summary
 * logged and returned (`npm run job` prints it). A failure is thrown: EventBridge Scheduler
 * retries it by the schedule's retry policy and then sends it to the schedule's dead-letter queue.
 */
export type ScheduleLambda<R> = (event: unknown, context: unknown) => Promise<R>;

export function scheduleHandler<S extends z.ZodType, R>(
  job: string,
  payload: S,
  run: (payload: z.infer<S>, now: Date) => Promise<R>,
): ScheduleLambda<R> {
  const logContext = injectLambdaContext(logger, { resetKeys: true, logEvent: false });
  return middy(async (event: unknown) => {
    logger.appendKeys({ job });
    const parsed = payload.safeParse(event ?? {});
    if (!parsed.success) {
      throw new Error(`${job} got a payload it cannot use: ${parsed.error.issues.length} issue(s).`);
    }
    const result = await run(parsed.data, new Date());
    logger.info('job done', { result: result as Record<string, unknown> });
    return result;
  }, NO_EARLY_TIMEOUT).use(logContext) as unknown as ScheduleLambda<R>;
}
