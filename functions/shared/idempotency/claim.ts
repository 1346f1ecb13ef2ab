import type { TransactItem } from '../db/transact-item';
import { type IdempotencyRecord, recordPut, retentionSeconds } from './record';

/**
 * What a creating operation adds to its own transaction so that the request is remembered
 * exactly when its effect commits: `items(resourceId)` is the idempotency record's Put (or
 * nothing, for a request without a key). Stores append it to the TransactWriteItems that
 * creates the resource; no other write ever records a key.
 */
export interface IdempotencyClaim {
  items(resourceId: string, extras?: Record<string, unknown>): TransactItem[];
}

export const NO_CLAIM: IdempotencyClaim = { items: () => [] };

export function claimFor(
  id: string,
  requestHash: string,
  operationId: string,
  statusCode: number,
  now: Date,
): IdempotencyClaim {
  return {
    items: (resourceId, extras) => {
      const record: IdempotencyRecord = {
        id,
        requestHash,
        operationId,
        resourceId,
        statusCode,
        ...(extras && Object.keys(extras).length ? { extras } : {}),
        createdAt: now.toISOString(),
        expiration: Math.floor(now.getTime() / 1000) + retentionSeconds(),
      };
      return [recordPut(record, now)];
    },
  };
}
