import type { Principal } from '../auth/principal';
import { settled } from '../db/settled';
import { claimFor, type IdempotencyClaim, NO_CLAIM } from '../idempotency/claim';
import { type IdempotencyRecord, readRecord, recordId, requestHash } from '../idempotency/record';
import { logger } from '../logger';
import { HttpError, IdempotencyKeyReusedError } from './errors';
import type { Operation } from './operation';
import type { JsonResponse } from './response';

export interface KeyedRequest {
  principal: Principal;
  params: unknown;
  body: unknown;
  idempotencyKey: string | undefined;
}

/** Answers a retry from what the first request created, as the resource is now. */
export type Replay = (record: IdempotencyRecord) => Promise<JsonResponse>;

/** The status a creating operation answers with: its first 2xx response. */
export function successStatus(op: Operation): number {
  const status = Object.keys(op.responses)
    .map(Number)
    .find((code) => code >= 200 && code < 300);
  if (status === undefined) throw new Error(`${op.operationId} declares no 2xx response`);
  return status;
}

/**
 * `Idempotency-Key` for creating requests, with nothing in progress to lose:
 * 1. A live record for the key answers at once: the same request is replayed (the original
 *    status code, the resource as it is now), another request with the key is a 422.
 * 2. Otherwise the operation runs with a claim whose Put it writes in the same transaction as
 *    what it creates (condition: the key is free). A timeout, crash or lost response after that
 *    commit leaves the record behind, and the retry takes path 1.
 * 3. When the operation fails, the key is read again: if another request with the key committed
 *    meanwhile (concurrent retries: the losers' transactions fail on the record's condition, or
 *    on whatever the winner changed), this request answers as the winner did. So of concurrent
 *    requests with one key, exactly one creates and all get its answer; none waits on a lock and
 *    none is told to come back later.
 */
export async function answerIdempotently(
  op: Operation,
  request: KeyedRequest,
  now: Date,
  run: (claim: IdempotencyClaim) => Promise<JsonResponse>,
  replay: Replay,
): Promise<JsonResponse> {
  const key = request.idempotencyKey;
  if (key === undefined) return run(NO_CLAIM);
  const { tenantId, userId } = request.principal;
  const id = recordId(tenantId, userId, op.operationId, key);
  const hash = requestHash(request.params, request.body);
  const answer = async (record: IdempotencyRecord) => {
    if (record.requestHash !== hash) throw new IdempotencyKeyReusedError();
    logger.info('idempotent replay', { resourceId: record.resourceId });
    const response = await replay(record);
    return {
      ...response,
      status: record.statusCode,
      headers: { ...response.headers, 'idempotent-replayed': 'true' },
    };
  };
  const earlier = await readRecord(id, now);
  if (earlier) return answer(earlier);
  try {
    return await run(claimFor(id, hash, op.operationId, successStatus(op), now));
  } catch (error) {
    // A request refused as such (a 4xx) lost to a winner that has committed; one whose
    // transaction was cancelled by a conflict with the winner's may have to wait for it to commit.
    let winner: IdempotencyRecord | undefined;
    try {
      winner = await settled(() => readRecord(id, now), error instanceof HttpError ? 1 : 5);
    } catch {
      // The table cannot be read now: the operation's own error says more than this one.
    }
    if (winner) return answer(winner);
    throw error;
  }
}
