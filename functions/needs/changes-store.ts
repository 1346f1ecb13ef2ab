import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../shared/db/client';
import { decodeCursor, encodeCursor } from '../shared/db/cursor';
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
  const pk = changesPartition(tenantId);
  const list = 'NEED_CHANGES';
  const startKey = await decodeCursor(cursor, list, { attribute: 'pk', value: pk }, ['pk', 'sk']);
  const result = await documentClient.send(
    new QueryCommand({
      TableName: domainTableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :since AND :until',
      ExpressionAttributeValues: {
        ':pk': pk,
        ':since': period.since ?? '0000',
        ':until': period.until ?? '9999',
      },
      Limit: limit + 1,
      ExclusiveStartKey: startKey,
    }),
  );
  const found = result.Items ?? [];
  const page = found.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((item) => ({
      needId: item.needId,
      customerId: item.customerId,
      at: item.at,
      actor: item.actor,
      from: item.from,
      to: item.to,
      ...(item.reason === undefined ? {} : { reason: item.reason }),
      ...(item.orderId === undefined ? {} : { orderId: item.orderId }),
    })),
    nextCursor:
      found.length > limit && last ? await encodeCursor(list, { pk: last.pk, sk: last.sk }) : undefined,
  };
}
