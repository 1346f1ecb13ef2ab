import { partitionPage } from '../shared/db/partition-page';
import { ValidationError } from '../shared/http/errors';
import { changesPartition } from './keys';
import type { NeedStatus } from './lifecycle';
import type { Actor } from './schemas';

export interface StatusChangeView {
  needId: string;
  customerId: string;
  at: string;
  actor: Actor;
  from: NeedStatus;
  to: NeedStatus;
  reason?: string;
  orderId?: string;
}

/**
 * The tenant's need status changes recorded in `[since, until)`, oldest first: one Query of the
 * changes partition (`T#t#NEED_CHANGES`, sort key `<at>#<needId>#<version>#<n>`), one entry more
 * than the page. An entry is written in the transaction of its change, stamped when the change was
 * decided, a moment before it commits (at most a function's time limit, 60 s, before). A client
 * that polls period after period (`since` = its last `until`) with `until` a minute in the past
 * therefore sees every change exactly once.
 */
export async function listChanges(
  tenantId: string,
  period: { since?: string; until?: string },
  limit: number,
  cursor: string | undefined,
): Promise<{ items: StatusChangeView[]; nextCursor?: string }> {
  if (period.since !== undefined && period.until !== undefined && period.until <= period.since)
    throw new ValidationError([{ field: 'query.until', message: 'must be later than since' }]);
  const { items, nextCursor } = await partitionPage({
    list: 'NEED_CHANGES',
    pk: changesPartition(tenantId),
    sortKeyCondition: 'sk BETWEEN :since AND :until',
    values: { ':since': period.since ?? '0000', ':until': period.until ?? '9999' },
    limit,
    cursor,
  });
  return {
    items: items.map((item) => ({
      needId: item.needId,
      customerId: item.customerId,
      at: item.at,
      actor: item.actor,
      from: item.from,
      to: item.to,
      ...(item.reason === undefined ? {} : { reason: item.reason }),
      ...(item.orderId === undefined ? {} : { orderId: item.orderId }),
    })),
    nextCursor,
  };
}
