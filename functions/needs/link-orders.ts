import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { orderKey } from '../orders/keys';
import { documentClient, domainTableName } from '../shared/db/client';
import { WriteCancelledError } from '../shared/db/write-items';
import { type LinkedOrder, linkedNeed } from './order-link';
import { findNeed, writeNeed } from './store';

/** Who the needs' history names for the changes an order makes. */
export const LINK_ACTOR = { type: 'system', id: 'linkNeedsToOrders' } as const;

/** Attempts per need when a person (or another order) changes it between our read and our write. */
const ATTEMPTS = 5;

/**
 * Brings every need an order names (`needIds`) up to date with the order as it is now
 * (`order-link.ts`): a GetItem of the order, then per need a consistent GetItem and, when
 * something changes, one transaction guarded by the need's version (its history records and
 * index entries with it). Returns how many needs changed.
 */
export async function linkOrderToNeeds(tenantId: string, orderId: string, now: Date): Promise<number> {
  const order = await readOrder(tenantId, orderId);
  if (!order) return 0;
  let changed = 0;
  for (const needId of order.needIds) if (await linkNeed(tenantId, needId, order, now)) changed++;
  return changed;
}

async function linkNeed(tenantId: string, needId: string, order: LinkedOrder, now: Date): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    // The create of the order checked its needs; a need that is not there links nothing.
    const before = await findNeed(tenantId, needId, true);
    if (!before) return false;
    const at = now.toISOString();
    const change = linkedNeed(before, order, at);
    if (!change) return false;
    try {
      await writeNeed({ tenantId, before, ...change, actor: LINK_ACTOR, at });
      return true;
    } catch (error) {
      if (!(error instanceof WriteCancelledError) || !error.reasons[0] || attempt >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
    }
  }
}

async function readOrder(
  tenantId: string,
  orderId: string,
): Promise<(LinkedOrder & { needIds: string[] }) | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: orderKey(tenantId, orderId),
      ConsistentRead: true,
      ProjectionExpression: 'id, #number, #status, needIds, evaluation, feedback',
      ExpressionAttributeNames: { '#number': 'number', '#status': 'status' },
    }),
  );
  const needIds = Item?.needIds as string[] | undefined;
  if (!Item || !needIds?.length) return undefined;
  return { ...(Item as LinkedOrder), needIds };
}
