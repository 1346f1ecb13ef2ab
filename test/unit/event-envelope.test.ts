import assert from 'node:assert/strict';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, it } from 'vitest';
import { batchesOf, MAX_REQUEST_BYTES } from '../../functions/events/batches';
import { busEntry } from '../../functions/events/bus';
import { fromStreamRecord, toDomainEvent, UndeclaredEventError } from '../../functions/events/envelope';
import { feedItem } from '../../functions/events/feed-items';

const ORDER = '01JZ00000000000000000000AA';

/** A timeline item as functions/orders/store.ts writes it, with whatever else an item might hold. */
const shipped = (extra: Record<string, unknown> = {}) => ({
  pk: `T#acme#ORDER#${ORDER}`,
  sk: 'EVENT#000007',
  entity: 'ORDER_EVENT',
  tenantId: 'acme',
  orderId: ORDER,
  seq: 7,
  type: 'SHIPPED',
  status: 'SHIPPED',
  at: '2026-03-01T10:00:00.000Z',
  actor: { type: 'partner', id: 'parcel-partner' },
  details: { carrier: 'DHL', trackingNumber: 'JD0001' },
  ...extra,
});

const record = (
  image: Record<string, unknown>,
  eventName: 'INSERT' | 'MODIFY' = 'INSERT',
): DynamoDBRecord => ({
  eventID: '1',
  eventName,
  eventSource: 'aws:dynamodb',
  dynamodb: {
    Keys: marshall({ pk: image.pk, sk: image.sk }) as never,
    NewImage: marshall(image, { removeUndefinedValues: true }) as never,
    SequenceNumber: '100',
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});

describe('the domain event envelope', () => {
  it('is a CloudEvent built from the timeline item, with a deterministic id', () => {
    assert.deepEqual(toDomainEvent(shipped()), {
      specversion: '1.0',
      id: `${ORDER}.000007`,
      source: '/orderly/orders',
      type: 'orderly.order.shipped',
      subject: `orders/${ORDER}`,
      time: '2026-03-01T10:00:00.000Z',
      datacontenttype: 'application/json',
      tenantid: 'acme',
      data: {
        orderId: ORDER,
        seq: 7,
        status: 'SHIPPED',
        actor: { type: 'partner', id: 'parcel-partner' },
        carrier: 'DHL',
        trackingNumber: 'JD0001',
      },
    });
    assert.equal(toDomainEvent(shipped()).id, toDomainEvent(shipped()).id);
  });

  it('takes only the listed fields: a task token on the item or in its details never gets out', () => {
    const token = 'AQCEAAAAKgAAAAMAAAAAAAAAA-secret-task-token';
    const event = toDomainEvent(
      shipped({
        task: { kind: 'shipment', token },
        decisionFacts: { creditLimitMinor: 1 },
        details: { carrier: 'DHL', trackingNumber: 'JD0001', taskToken: token },
      }),
    );
    const text = JSON.stringify(event);
    assert.ok(!text.includes(token), text);
    assert.ok(!text.includes('decisionFacts') && !text.includes('"pk"') && !text.includes('entity'));
    assert.deepEqual(Object.keys(event.data), [
      'orderId',
      'seq',
      'status',
      'actor',
      'carrier',
      'trackingNumber',
    ]);
  });

  it('never lets a detail pass for the order, sequence, status or actor', () => {
    const event = toDomainEvent(
      shipped({
        details: { carrier: 'DHL', trackingNumber: 'JD0001', orderId: 'other', seq: 1, status: 'CLOSED' },
      }),
    );
    assert.deepEqual([event.data.orderId, event.data.seq, event.data.status], [ORDER, 7, 'SHIPPED']);
  });

  it('refuses a type the catalogue lacks and data that does not match, naming where but not what', () => {
    assert.throws(() => toDomainEvent(shipped({ type: 'AUTO_APPROVED' })), UndeclaredEventError);
    assert.throws(
      () => toDomainEvent(shipped({ details: { carrier: 'DHL', trackingNumber: 12345678 } })),
      (error: Error) =>
        error instanceof UndeclaredEventError &&
        /trackingNumber: invalid_type/.test(error.message) &&
        !error.message.includes('12345678'),
    );
    assert.throws(() => toDomainEvent(shipped({ at: 'yesterday' })), UndeclaredEventError);
  });

  it('names a nested field by its dotted path, and the item itself as (root)', () => {
    assert.throws(
      () =>
        toDomainEvent(
          shipped({
            type: 'STOCK_RESERVED',
            status: 'STOCK_RESERVED',
            details: { reservations: [{ sku: 'WIDGET', quantity: 'two' }] },
          }),
        ),
      {
        name: 'UndeclaredEventError',
        message:
          'the data of STOCK_RESERVED does not match the event catalogue: reservations.0.quantity: invalid_type',
      },
    );
    // Only a caller that breaks the type can hand over no object at all: the issue is the item's own.
    assert.throws(() => toDomainEvent(null as never), {
      name: 'UndeclaredEventError',
      message: 'a timeline event does not match the event catalogue: (root): invalid_type',
    });
  });

  it('reads the new image of an inserted timeline event from a stream record, and nothing else', () => {
    assert.equal(fromStreamRecord(record(shipped()))?.id, `${ORDER}.000007`);
    assert.equal(fromStreamRecord(record(shipped(), 'MODIFY')), undefined);
    assert.equal(fromStreamRecord(record({ pk: 'T#acme#ORDER#x', sk: 'ORDER', entity: 'ORDER' })), undefined);
    const closed = toDomainEvent({
      ...shipped(),
      type: 'ORDER_CLOSED',
      status: 'CLOSED',
      details: { cycleSeconds: 3600, onTime: null, approvalSlaMet: true, escalations: 0 },
    });
    assert.equal(closed.data.onTime, null, 'NULL attributes survive');
  });
});

describe('where the envelope goes', () => {
  it('a bus entry carries the whole envelope as its detail, typed and timed as the event', () => {
    const event = toDomainEvent(shipped());
    const entry = busEntry(event, 'bus');
    assert.deepEqual(
      { ...entry, Detail: JSON.parse(entry.Detail as string) },
      {
        EventBusName: 'bus',
        Source: 'orderly.orders',
        DetailType: 'orderly.order.shipped',
        Detail: event,
        Time: new Date('2026-03-01T10:00:00.000Z'),
      },
    );
  });

  it('a feed item sorts by time then id, expires 30 days after the event, and keeps the envelope as built', () => {
    const event = toDomainEvent(shipped());
    const item = feedItem(event);
    assert.deepEqual(
      { ...item, event: undefined },
      {
        pk: 'T#acme#EVENTS',
        sk: `2026-03-01T10:00:00.000Z#${ORDER}.000007`,
        typePk: 'T#acme#EVENTS#orderly.order.shipped',
        expiresAt: Date.parse('2026-03-31T10:00:00.000Z') / 1000,
        event: undefined,
      },
    );
    assert.equal(item.event, JSON.stringify(event));
  });

  it('PutEvents batches keep record order, at most 10 entries and 256 KB each', () => {
    const small = Array.from({ length: 25 }, (_, i) => ({ i, detail: 'x' }));
    const entry = ({ detail }: { detail: string }) => ({ Source: 's', DetailType: 't', Detail: detail });
    assert.deepEqual(
      batchesOf(small, entry).map((batch) => batch.map(({ i }) => i)),
      [[...Array(10).keys()], [...Array(10).keys()].map((i) => i + 10), [20, 21, 22, 23, 24]],
    );
    const big = Array.from({ length: 5 }, (_, i) => ({ i, detail: 'x'.repeat(100 * 1024) }));
    assert.deepEqual(
      batchesOf(big, entry).map((batch) => batch.map(({ i }) => i)),
      [[0, 1], [2, 3], [4]],
    );
    const huge = [
      { i: 0, detail: 'x'.repeat(MAX_REQUEST_BYTES) },
      { i: 1, detail: 'x' },
    ];
    assert.deepEqual(
      batchesOf(huge, entry).map((batch) => batch.map(({ i }) => i)),
      [[0], [1]],
      'an entry too large for any request goes alone',
    );
  });
});
