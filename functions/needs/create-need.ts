import { suggestType } from '../analysis/latest/suggest-type';
import type { Principal } from '../shared/auth/principal';
import { settled } from '../shared/db/settled';
import { claimUnique, ownerOf } from '../shared/db/unique-values';
import { WriteCancelledError } from '../shared/db/write-items';
import { ConflictError, ExternalRefTakenError } from '../shared/http/errors';
import { type IdempotencyClaim, NO_CLAIM } from '../shared/idempotency/claim';
import { newId } from '../shared/ids';
import { toNeed } from './records';
import { TenantReferences } from './references';
import type { Need, NeedCreate } from './schemas';
import { writeNeed } from './store';

/**
 * `externalRef` is unique per tenant and source: the uniqueness item's value is `<source>#<ref>`
 * (`#<ref>` without a source). A source cannot hold `#`, so no two pairs share a value.
 */
export const needRefValue = (externalRef: string, source: string | undefined) =>
  `${source ?? ''}#${externalRef}`;

export interface CreateOptions {
  claim?: IdempotencyClaim;
  /** Where the need sits in the request, for the fields a 422 names (`body`, `body.items.3`). */
  fieldPrefix?: string;
  /** The batch's references, loaded once for all its items. */
  references?: TenantReferences;
}

/**
 * Creates a need: checks that its customer and products are the tenant's (422 naming each that is
 * not), suggests a type when it has none (the latest classifier, cached per container), then writes in one transaction the need, its creation in its history, its index entries,
 * the uniqueness item of its `externalRef` + `source` and the request's idempotency record. A
 * pair already taken is a 409 naming the need that has it.
 */
export async function createNeed(
  principal: Principal,
  input: NeedCreate,
  now: Date,
  options: CreateOptions = {},
): Promise<Need> {
  const { tenantId } = principal;
  const references = options.references ?? new TenantReferences(tenantId);
  await references.assertExist(input, options.fieldPrefix ?? 'body');
  const at = now.toISOString();
  const { receivedAt, ...given } = input;
  const suggestedType = input.type === undefined ? await suggestType(tenantId, input) : undefined;
  const need = toNeed({
    ...given,
    suggestedType,
    id: newId(),
    statusChangedAt: at,
    receivedAt: receivedAt ?? at,
    createdBy: principal.userId,
    createdAt: at,
    updatedAt: at,
    version: 1,
  });
  const ref = input.externalRef === undefined ? undefined : needRefValue(input.externalRef, input.source);
  try {
    await writeNeed({
      tenantId,
      after: need,
      steps: [{ to: need.status }],
      actor: { type: 'user', id: principal.userId },
      at,
      also: [
        ...(ref === undefined ? [] : [claimUnique(tenantId, 'NEED_REF', ref, need.id)]),
        ...(options.claim ?? NO_CLAIM).items(need.id),
      ],
    });
  } catch (error) {
    // Items: the need, then the reference's uniqueness item (index 1) when there is one.
    if (ref !== undefined && error instanceof WriteCancelledError && error.reasons[1])
      await refTaken(tenantId, ref);
    throw error;
  }
  return need;
}

/** The 409 naming the need that holds the pair (read until a competing create has committed). */
async function refTaken(tenantId: string, ref: string): Promise<never> {
  const owner = await settled(() => ownerOf(tenantId, 'NEED_REF', ref));
  if (owner) throw new ExternalRefTakenError('Need', owner);
  throw new ConflictError(
    'external-ref-contended',
    'The externalRef is being written by another request',
    'Another request is creating a need with this externalRef and source right now; retry shortly.',
  );
}
