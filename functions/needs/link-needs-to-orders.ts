import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { eachRecord, streamHandler } from '../shared/stream/handler';
import { linkOrderToNeeds } from './link-orders';

/**
 * LinkNeedsToOrders — each order event that can change a need (the manifest's filter: submitted,
 * closed, feedback received; imported orders' too) brings the needs the order names up to date with
 * the order as it is now. Idempotent: a record delivered again finds nothing left to change.
 */
export const handler = streamHandler(
  'linkNeedsToOrders',
  eachRecord(async (record) => {
    const image = unmarshall((record.dynamodb?.NewImage ?? {}) as Record<string, AttributeValue>);
    await linkOrderToNeeds(String(image.tenantId), String(image.orderId), new Date());
  }),
);
