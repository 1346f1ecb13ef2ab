import { needKey } from '../needs/keys';
import { batchGet } from '../shared/db/batch-get';
import { domainTableName } from '../shared/db/client';
import type { FieldIssue } from '../shared/http/errors';
import { UnprocessableOrderError } from './errors';

/**
 * An order's `needIds` must each name a need of the tenant: the needs the order answers, which
 * later follow it (a need is fulfilled when its order closes). Checked on every create, live and
 * imported, so no order can point at a need that does not exist, or at another tenant's.
 */
export function needIssues(
  needIds: readonly string[] | undefined,
  exists: (needId: string) => boolean,
  field: string,
): FieldIssue[] {
  return (needIds ?? []).flatMap((id, i) =>
    exists(id) ? [] : [{ field: `${field}.${i}`, message: `no need '${id}' in this tenant` }],
  );
}

export const unknownNeed = (issues: FieldIssue[]) =>
  new UnprocessableOrderError('unknown-need', 'The order names a need that does not exist', issues);

/** The needs of the tenant among `needIds`: one BatchGetItem (an order names at most 20), none when there are none. */
export async function existingNeeds(tenantId: string, needIds: readonly string[]): Promise<Set<string>> {
  // BatchGetItem refuses a key twice in one request.
  const distinct = [...new Set(needIds)];
  const found = await batchGet(
    domainTableName(),
    distinct.map((id) => needKey(tenantId, id)),
    { expression: 'pk' },
  );
  const present = new Set(found.map((item) => item.pk as string));
  return new Set(distinct.filter((id) => present.has(needKey(tenantId, id).pk)));
}

/** 422 naming `body.needIds.<i>` for each id that is not a need of the tenant. */
export async function assertNeedsExist(
  tenantId: string,
  needIds: readonly string[] | undefined,
): Promise<void> {
  if (!needIds?.length) return;
  const found = await existingNeeds(tenantId, needIds);
  const issues = needIssues(needIds, (id) => found.has(id), 'body.needIds');
  if (issues.length) throw unknownNeed(issues);
}
