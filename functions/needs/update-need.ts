import type { Principal } from '../shared/auth/principal';
import { WriteCancelledError } from '../shared/db/write-items';
import { PreconditionFailedError } from '../shared/http/errors';
import { InvalidTransitionError } from './errors';
import { allowedFrom, canMove } from './lifecycle';
import { toNeed } from './records';
import { TenantReferences } from './references';
import type { Need, NeedPatch } from './schemas';
import { getNeed, type StatusStep, writeNeed } from './store';

/** Attempts when another writer (the order link) commits between our read and our write. */
const ATTEMPTS = 3;

/**
 * A merge patch guarded by the version the client read (If-Match). Decided on a consistent read
 * of the need: a stale version is a 412 before anything is written; a status change the lifecycle
 * does not allow is a 409 naming from and to; new products must be the tenant's (422). The write
 * carries the history record of a status change (who, when, from, to, why) and moves the need's
 * index entries, in one transaction guarded by the same version.
 */
export async function updateNeed(
  principal: Principal,
  needId: string,
  expectedVersion: number,
  patch: NeedPatch,
  now: Date,
): Promise<Need> {
  const { tenantId } = principal;
  const references = new TenantReferences(tenantId);
  for (let attempt = 1; ; attempt++) {
    const before = await getNeed(tenantId, needId, true);
    if (before.version !== expectedVersion) throw new PreconditionFailedError(before.version);
    const added = (patch.productIds ?? []).filter((id) => !before.productIds?.includes(id));
    await references.assertExist({ productIds: added }, 'body');
    const at = now.toISOString();
    const { after, steps } = patched(before, patch, at);
    try {
      await writeNeed({ tenantId, before, after, steps, actor: { type: 'user', id: principal.userId }, at });
      return after;
    } catch (error) {
      // The need changed after our read (its version guard) or is being written right now: read
      // again; the version check then answers 412 unless the other write did not commit.
      if (!(error instanceof WriteCancelledError) || !error.reasons[0] || attempt >= ATTEMPTS) throw error;
    }
  }
}

/** The need after the patch, and the status step it makes (none when the status stays). */
export function patched(before: Need, patch: NeedPatch, at: string): { after: Need; steps: StatusStep[] } {
  const { status, statusReason, ...fields } = patch;
  const next: Record<string, unknown> = { ...before, version: before.version + 1, updatedAt: at };
  for (const [field, value] of Object.entries(fields)) {
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = value;
  }
  const steps: StatusStep[] = [];
  if (status !== undefined && status !== before.status) {
    if (!canMove(before.status, status))
      throw new InvalidTransitionError(before.status, status, allowedFrom(before.status));
    next.status = status;
    next.statusChangedAt = at;
    steps.push({ from: before.status, to: status, ...(statusReason ? { reason: statusReason } : {}) });
  }
  return { after: toNeed(next), steps };
}
