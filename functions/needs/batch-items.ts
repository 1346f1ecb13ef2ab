import type { Principal } from '../shared/auth/principal';
import type { ItemOutcome } from '../shared/http/batch';
import { ConflictError, ExternalRefTakenError } from '../shared/http/errors';
import type { IdempotencyClaim } from '../shared/idempotency/claim';
import { ULID_PATTERN } from '../shared/ids';
import { createNeed } from './create-need';
import type { TenantReferences } from './references';
import { MAX_PRODUCTS, type NeedCreate } from './schemas';

/**
 * The customer and product ids a batch's items name, read before validation (the items are still
 * raw JSON): whatever looks like an id, at most MAX_PRODUCTS products per item, so that one read
 * serves the whole batch and a hostile item cannot make it read more.
 */
export function referencedIds(items: readonly unknown[]): { customerIds: string[]; productIds: string[] } {
  const customerIds = new Set<string>();
  const productIds = new Set<string>();
  const isId = (value: unknown): value is string => typeof value === 'string' && ULID_PATTERN.test(value);
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const { customerId, productIds: products } = item as Record<string, unknown>;
    if (isId(customerId)) customerIds.add(customerId);
    if (Array.isArray(products))
      for (const id of products.slice(0, MAX_PRODUCTS)) if (isId(id)) productIds.add(id);
  }
  return { customerIds: [...customerIds], productIds: [...productIds] };
}

/** Attempts of an item whose natural key another create (another item of the batch) holds uncommitted. */
const ATTEMPTS = 3;

/**
 * One item of a batch: created, or `existing` when its `externalRef` + `source` is a need's
 * already. Items run concurrently, so of two items of one batch with the same pair either may be
 * the one created; the other is `existing` with its id. When the pair's claim lost to a create that
 * had not committed yet when we looked (`external-ref-contended`), the item is tried again: it then
 * finds the pair taken, or free because that create failed.
 */
export async function createOrFind(
  principal: Principal,
  item: NeedCreate,
  index: number,
  context: { now: Date; claim: IdempotencyClaim; references: TenantReferences },
): Promise<ItemOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      const need = await createNeed(principal, item, context.now, {
        claim: context.claim,
        references: context.references,
        fieldPrefix: `body.items.${index}`,
      });
      return { outcome: 'created', id: need.id };
    } catch (error) {
      if (error instanceof ExternalRefTakenError)
        return { outcome: 'existing', id: String(error.extensions.existingId) };
      const contended = error instanceof ConflictError && error.type === 'external-ref-contended';
      if (!contended || attempt >= ATTEMPTS) throw error;
    }
  }
}
