import * as z from 'zod';
import type { Principal } from '../auth/principal';
import { claimFor, type IdempotencyClaim, NO_CLAIM } from '../idempotency/claim';
import { readRecord, recordId, requestHash } from '../idempotency/record';
import { Ulid } from '../ids';
import { HttpError, IdempotencyKeyReusedError, ValidationError } from './errors';
import type { Operation } from './operation';
import { problemFromError } from './problem';
import { toFieldIssues } from './validation';

/**
 * Batch creates (`POST …/batch`): up to MAX_BATCH_ITEMS items, each validated and created on its
 * own, so one bad item is refused alone and the good ones are created. The answer is 200 with one
 * result per item, in request order.
 *
 * Exactly once per item: with an `Idempotency-Key` (operations declare `idempotent: 'per-item'`)
 * item i is remembered under the key and its index, its record written in the transaction that
 * creates it (like any create's). A retry after a timeout or a crash reports what committed as
 * `existing` and creates only the rest. Items with a natural key (`externalRef`, a SKU) are also
 * `existing` when that key is taken by the record they would create, so a re-import is a no-op.
 */
export const MAX_BATCH_ITEMS = 100;

/** The body of a batch: items are validated one by one (`runBatch`), not by the body's schema. */
export function batchBody(itemDescription: string) {
  return z.strictObject({
    items: z
      .array(z.unknown().describe(itemDescription))
      .min(1, 'a batch needs at least one item')
      .max(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} items per batch`),
  });
}

const ItemProblem = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
});

export const BatchItemResult = z.strictObject({
  index: z.number().int().describe('The item’s position in the request, from 0'),
  outcome: z
    .enum(['created', 'existing', 'rejected'])
    .describe(
      '`existing`: this item was created before (same Idempotency-Key and index, or its natural key is taken by what it would create)',
    ),
  status: z.number().int().describe('What a single create would have answered: 201, 200 (existing) or a 4xx'),
  id: Ulid.optional(),
  problem: ItemProblem.optional().describe('Why the item was rejected: an RFC 9457 problem'),
});
export type BatchItemResult = z.infer<typeof BatchItemResult>;

export const BatchResult = z.strictObject({
  results: z.array(BatchItemResult),
  created: z.number().int(),
  existing: z.number().int(),
  rejected: z.number().int(),
});
export type BatchResult = z.infer<typeof BatchResult>;

/** What creating one item did: created it, or found it there (by its natural key). */
export interface ItemOutcome {
  outcome: 'created' | 'existing';
  id: string;
}

export interface BatchRequest {
  op: Operation;
  principal: Principal;
  idempotencyKey: string | undefined;
  now: Date;
}

/** Items in flight at once: bounded, so a batch never holds 100 transactions open together. */
const CONCURRENCY = 8;

/**
 * Validates and creates each item with `create(item, index, claim)`. An item's HttpError (a 4xx
 * or 409) rejects that item only; anything else (an outage) fails the request, and a retry with
 * the same key finishes it.
 */
export async function runBatch<S extends z.ZodType>(
  request: BatchRequest,
  items: readonly unknown[],
  schema: S,
  create: (item: z.output<S>, index: number, claim: IdempotencyClaim) => Promise<ItemOutcome>,
): Promise<BatchResult> {
  const results: BatchItemResult[] = new Array(items.length);
  const one = async (raw: unknown, index: number): Promise<BatchItemResult> => {
    try {
      const parsed = schema.safeParse(raw);
      if (!parsed.success)
        throw new ValidationError(toFieldIssues(`body.items.${index}`, parsed.error.issues));
      const remembered = await rememberedItem(request, index, parsed.data);
      if ('id' in remembered) return { index, outcome: 'existing', status: 200, id: remembered.id };
      const done = await create(parsed.data, index, remembered.claim);
      return { index, outcome: done.outcome, status: done.outcome === 'created' ? 201 : 200, id: done.id };
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return {
        index,
        outcome: 'rejected',
        status: error.statusCode,
        problem: problemFromError(error).problem,
      };
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await one(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  const count = (outcome: BatchItemResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
  return { results, created: count('created'), existing: count('existing'), rejected: count('rejected') };
}

/** The item's record under the request's key: its id if it committed before, else a claim to write. */
async function rememberedItem(
  { op, principal, idempotencyKey, now }: BatchRequest,
  index: number,
  item: unknown,
): Promise<{ id: string } | { claim: IdempotencyClaim }> {
  if (idempotencyKey === undefined) return { claim: NO_CLAIM };
  const id = recordId(principal.tenantId, principal.userId, op.operationId, `${idempotencyKey}#${index}`);
  const hash = requestHash({ index }, item);
  const earlier = await readRecord(id, now);
  if (earlier) {
    if (earlier.requestHash !== hash) throw new IdempotencyKeyReusedError();
    return { id: earlier.resourceId };
  }
  return { claim: claimFor(id, hash, op.operationId, 201, now) };
}
