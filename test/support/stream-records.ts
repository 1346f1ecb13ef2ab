import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

/**
 * Lambda's DynamoDB stream records, built from items as they are stored: what an event source
 * mapping (or the twin's poller) hands a stream consumer. Sequence numbers grow per process.
 */
let sequence = 1000;

export function streamRecord(
  item: Record<string, unknown>,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT',
): DynamoDBRecord {
  const n = sequence++;
  return {
    eventID: `event-${n}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: marshall({ pk: item.pk, sk: item.sk }) as never,
      ...(eventName === 'REMOVE'
        ? {}
        : { NewImage: marshall(item, { removeUndefinedValues: true }) as never }),
      SequenceNumber: String(n).padStart(21, '0'),
      SizeBytes: JSON.stringify(item).length,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/**
 * A timeline item as functions/orders/store.ts writes it: the first event of an order submits it,
 * the later ones are shipments, deliveries and feedback (data the catalogue accepts).
 */
export function timelineItem(tenantId: string, orderId: string, seq: number, at: Date) {
  const kinds = [
    { type: 'SHIPPED', status: 'SHIPPED', details: { carrier: 'DHL', trackingNumber: `JD${seq}` } },
    { type: 'DELIVERED', status: 'DELIVERED', details: { deliveredAt: at.toISOString() } },
    { type: 'FEEDBACK_RECEIVED', status: 'DELIVERED', details: { rating: 1 + (seq % 5) } },
  ];
  const kind =
    seq === 1
      ? {
          type: 'ORDER_SUBMITTED',
          status: 'SUBMITTED',
          details: { number: `SO-2026-${orderId.slice(-6)}`, totalMinor: 5000, currency: 'EUR', lines: 1 },
        }
      : (kinds[seq % kinds.length] as (typeof kinds)[number]);
  return {
    pk: `T#${tenantId}#ORDER#${orderId}`,
    sk: `EVENT#${String(seq).padStart(6, '0')}`,
    entity: 'ORDER_EVENT',
    tenantId,
    orderId,
    seq,
    ...kind,
    at: at.toISOString(),
    actor: { type: 'user', id: 'sam' },
  };
}
