import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { OrderChangedError } from '../../orders/errors';
import { TransitionCancelledError } from '../../orders/store';
import { WorkflowError } from '../../workflow/errors';
import { logger } from '../logger';
import { NO_EARLY_TIMEOUT } from '../middy-options';

/**
 * The one middy stack of every workflow task: log context (the order and tenant ids, never
 * personal data) → input check → the task. Errors leave with a stable `name`, because that is
 * what the definition's `Retry` and `Catch` match: whatever a retry may cure (throttling, a
 * transaction that collided with another, an order changed meanwhile after the task's own
 * retries) becomes `TransientError`; the task's own named errors pass as they are.
 */
export type TaskLambda<R> = (event: unknown, context: Context) => Promise<R>;

export const TRANSIENT_ERROR = 'TransientError';

/** DynamoDB (and SDK) errors that say "try again", not "this is wrong". */
const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'TransactionInProgressException',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
]);
const TRANSIENT_REASONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

export function isTransient(error: unknown): boolean {
  if (error instanceof OrderChangedError) return true;
  if (error instanceof TransitionCancelledError)
    return error.reasons.some((r) => r !== undefined && TRANSIENT_REASONS.has(r));
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).some(
      (r) => r.Code !== undefined && TRANSIENT_REASONS.has(r.Code),
    );
  }
  if (!(error instanceof Error)) return false;
  if (TRANSIENT_NAMES.has(error.name)) return true;
  const meta = error as { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: string };
  if (meta.$retryable) return true;
  if ((meta.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return meta.code === 'ECONNRESET' || meta.code === 'ECONNREFUSED' || meta.code === 'ETIMEDOUT';
}

/** The error as the workflow should see it. */
export function asTaskError(error: unknown): Error {
  if (error instanceof WorkflowError) return error;
  if (isTransient(error)) {
    const name = error instanceof Error ? error.name : 'Error';
    return new WorkflowError(TRANSIENT_ERROR, `A retry may succeed (${name}).`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

export function taskHandler<S extends z.ZodType<{ tenantId: string; orderId: string }>, R>(
  task: string,
  input: S,
  run: (event: z.infer<S>, now: Date) => Promise<R>,
): TaskLambda<R> {
  // Never the event, even where POWERTOOLS_LOGGER_LOG_EVENT asks for it: a token task's event
  // carries its task token, with which anyone could answer the workflow.
  const logContext = injectLambdaContext(logger, { resetKeys: true, logEvent: false });
  return middy(async (event: unknown) => {
    const parsed = input.safeParse(event);
    if (!parsed.success) {
      throw new WorkflowError(
        'InvalidTaskInput',
        `${task} got input it cannot use: ${parsed.error.issues.length} issue(s).`,
      );
    }
    logger.appendKeys({ task, tenantId: parsed.data.tenantId, orderId: parsed.data.orderId });
    const result = await run(parsed.data, new Date());
    logger.info('task done', { next: (result as { next?: string } | undefined)?.next });
    return result;
  }, NO_EARLY_TIMEOUT)
    .use(logContext)
    .use({
      onError: (request) => {
        const error = asTaskError(request.error);
        if (error instanceof WorkflowError && error.name === TRANSIENT_ERROR) {
          logger.warn('task failed, a retry may succeed', { cause: (request.error as Error)?.name });
        } else if (error instanceof WorkflowError) {
          logger.info('task ended with a workflow error', { error: error.name });
        } else {
          logger.error('task failed', { error });
        }
        request.error = error;
      },
    }) as unknown as TaskLambda<R>;
}
