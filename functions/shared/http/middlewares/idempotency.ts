import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { MiddlewareObj } from '@middy/core';
import { TENANT_CLAIM } from '../../auth/claims';
import { dynamodb, idempotencyTableName } from '../../db/client';
import { IdempotencyInProgressError, IdempotencyKeyReusedError } from '../errors';

const RECORD_TTL_SECONDS = 24 * 60 * 60;

/**
 * `Idempotency-Key` for creating POSTs, on Powertools' DynamoDB persistence. The key is scoped
 * to the tenant (and, by `keyPrefix`, to the operation); path parameters and the parsed body are
 * hashed so the same key with another body, or on another resource, is refused. Requests without the header are not made idempotent.
 */
export function idempotency(operationId: string): MiddlewareObj {
  let inner: MiddlewareObj | undefined;
  // Built on first use so that importing a handler needs no environment.
  const middleware = () => {
    inner ??= makeHandlerIdempotent({
      keyPrefix: operationId,
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: idempotencyTableName(),
        awsSdkV3Client: dynamodb,
      }),
      config: new IdempotencyConfig({
        eventKeyJmesPath: `headers."idempotency-key" && join('#', [requestContext.authorizer.jwt.claims."${TENANT_CLAIM}", headers."idempotency-key"])`,
        // The path is part of "the request": one key reused on another resource is refused too.
        payloadValidationJmesPath: '[pathParameters, powertools_json(body)]',
        expiresAfterSeconds: RECORD_TTL_SECONDS,
      }),
    }) as MiddlewareObj;
    return inner;
  };
  const FAILED_BEFORE = 'orderly.idempotency.failedBefore';
  return {
    before: async (request) => {
      try {
        return await middleware().before?.(request);
      } catch (error) {
        (request.internal as Record<string, unknown>)[FAILED_BEFORE] = true;
        if (error instanceof IdempotencyValidationError) throw new IdempotencyKeyReusedError();
        if (error instanceof IdempotencyAlreadyInProgressError) throw new IdempotencyInProgressError();
        throw error;
      }
    },
    after: (request) => middleware().after?.(request),
    onError: async (request) => {
      // Powertools' onError deletes the record even when its own `before` refused the request
      // (key in progress, or reused with another body): that would erase the first request's
      // record and let a later retry run twice. Only a failure of the handler may clear it.
      if ((request.internal as Record<string, unknown>)[FAILED_BEFORE]) return;
      await middleware().onError?.(request);
    },
  };
}
