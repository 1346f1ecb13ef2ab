import assert from 'node:assert/strict';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, it } from 'vitest';
import { type FilterPattern, streamFunctions, TIMELINE_EVENT_INSERTS } from '../../functions/manifest';
import {
  checkFilterPattern,
  FilterPatternError,
  matchesAnyFilter,
  matchesPattern,
} from '../../local/streams/filter';

/** A stream record as Lambda delivers it: images are AttributeValues, numbers are strings in N. */
const insert: DynamoDBRecord = {
  eventID: '7de3041dd709b024af6f29e4fa13d34c',
  eventName: 'INSERT',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'eu-west-1',
  dynamodb: {
    ApproximateCreationDateTime: 1_796_183_460,
    Keys: { pk: { S: 'T#acme#ORDER#01J9' }, sk: { S: 'EVENT#0003' } },
    NewImage: {
      pk: { S: 'T#acme#ORDER#01J9' },
      sk: { S: 'EVENT#0003' },
      entity: { S: 'ORDER_EVENT' },
      type: { S: 'ORDER_APPROVED' },
      amountMinor: { N: '125000' },
      rate: { N: '0.75' },
      urgent: { BOOL: true },
      note: { NULL: true },
      tags: { SS: ['gift', 'priority'] },
      lines: { L: [{ M: { sku: { S: '22633' } } }, { M: { sku: { S: 'B-1' } } }] },
    },
    SequenceNumber: '000000000000000000042',
    SizeBytes: 211,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
  eventSourceARN:
    'arn:aws:dynamodb:ddblocal:000000000000:table/orderly-domain/stream/2026-12-02T03:51:54.761',
};

const matches = (pattern: FilterPattern, record: unknown = insert) => matchesPattern(pattern, record);
const newImage = (fields: FilterPattern): FilterPattern => ({ dynamodb: { NewImage: fields } });

describe('Lambda filter patterns on DynamoDB stream records', () => {
  it('a list of values matches any of them (OR); keys of one object must all match (AND)', () => {
    assert.equal(matches({ eventName: ['INSERT'] }), true);
    assert.equal(matches({ eventName: ['MODIFY', 'INSERT'] }), true);
    assert.equal(matches({ eventName: ['MODIFY', 'REMOVE'] }), false);
    assert.equal(matches({ eventName: ['INSERT'], eventSource: ['aws:dynamodb'] }), true);
    assert.equal(matches({ eventName: ['INSERT'], eventSource: ['aws:kinesis'] }), false);
  });

  it('nested objects go down into the images, with the AttributeValue type as a level', () => {
    assert.equal(
      matches(newImage({ entity: { S: ['ORDER_EVENT'] }, type: { S: ['ORDER_APPROVED'] } })),
      true,
    );
    assert.equal(
      matches(newImage({ entity: { S: ['ORDER_EVENT'] }, type: { S: ['ORDER_REJECTED'] } })),
      false,
    );
    // The value is a string in S: a pattern on N (or without the type level) does not reach it.
    assert.equal(matches(newImage({ entity: { N: ['ORDER_EVENT'] } })), false);
    assert.equal(matches(newImage({ entity: ['ORDER_EVENT'] })), false);
    assert.equal(matches({ dynamodb: { Keys: { sk: { S: ['EVENT#0003'] } } } }), true);
  });

  it('the manifest’s outbox filter takes inserts of timeline events only', () => {
    assert.equal(matches(TIMELINE_EVENT_INSERTS), true);
    assert.equal(matches(TIMELINE_EVENT_INSERTS, { ...insert, eventName: 'MODIFY' }), false);
    const customer = structuredClone(insert);
    (customer.dynamodb as any).NewImage.entity = { S: 'CUSTOMER' };
    assert.equal(matches(TIMELINE_EVENT_INSERTS, customer), false);
    const removal = { ...insert, eventName: 'REMOVE', dynamodb: { ...insert.dynamodb, NewImage: undefined } };
    assert.equal(matches(TIMELINE_EVENT_INSERTS, removal), false);
  });

  it('prefix and suffix, also ignoring case', () => {
    assert.equal(matches(newImage({ type: { S: [{ prefix: 'ORDER_' }] } })), true);
    assert.equal(matches(newImage({ type: { S: [{ prefix: 'order_' }] } })), false);
    assert.equal(matches(newImage({ type: { S: [{ prefix: { 'equals-ignore-case': 'order_' } }] } })), true);
    assert.equal(matches(newImage({ type: { S: [{ suffix: '_APPROVED' }] } })), true);
    assert.equal(matches(newImage({ type: { S: [{ suffix: '_REJECTED' }] } })), false);
    assert.equal(
      matches(newImage({ type: { S: [{ suffix: { 'equals-ignore-case': '_approved' } }] } })),
      true,
    );
    // A prefix never matches a number.
    assert.equal(matches({ dynamodb: { SizeBytes: [{ prefix: '2' }] } }), false);
  });

  it('equals-ignore-case', () => {
    assert.equal(matches(newImage({ type: { S: [{ 'equals-ignore-case': 'order_approved' }] } })), true);
    assert.equal(matches(newImage({ type: { S: [{ 'equals-ignore-case': 'order_approve' }] } })), false);
  });

  it('anything-but a value, a list of values or a prefix; never a missing field', () => {
    assert.equal(matches({ eventName: [{ 'anything-but': 'REMOVE' }] }), true);
    assert.equal(matches({ eventName: [{ 'anything-but': ['REMOVE', 'INSERT'] }] }), false);
    assert.equal(matches(newImage({ type: { S: [{ 'anything-but': { prefix: 'ORDER_' } }] } })), false);
    assert.equal(matches(newImage({ type: { S: [{ 'anything-but': { prefix: 'CUSTOMER_' } }] } })), true);
    assert.equal(
      matches(newImage({ status: { S: [{ 'anything-but': 'CLOSED' }] } })),
      false,
      'no status at all',
    );
  });

  it('numeric comparisons and ranges, on numbers and on DynamoDB’s N strings', () => {
    assert.equal(matches({ dynamodb: { SizeBytes: [{ numeric: ['>', 200] }] } }), true);
    assert.equal(matches({ dynamodb: { SizeBytes: [{ numeric: ['>', 211] }] } }), false);
    assert.equal(matches({ dynamodb: { SizeBytes: [{ numeric: ['>=', 211] }] } }), true);
    assert.equal(matches(newImage({ amountMinor: { N: [{ numeric: ['=', 125000] }] } })), true);
    assert.equal(matches(newImage({ amountMinor: { N: [{ numeric: ['>', 0, '<=', 125000] }] } })), true);
    assert.equal(matches(newImage({ amountMinor: { N: [{ numeric: ['>', 0, '<', 125000] }] } })), false);
    assert.equal(matches(newImage({ rate: { N: [{ numeric: ['>=', 0.5, '<', 1] }] } })), true);
    // A string that is not a number is never in a numeric range.
    assert.equal(matches(newImage({ type: { S: [{ numeric: ['>', 0] }] } })), false);
  });

  it('exists works on leaves: a field holding {S: …} is not one', () => {
    assert.equal(matches(newImage({ type: { S: [{ exists: true }] } })), true);
    assert.equal(matches(newImage({ type: { S: [{ exists: false }] } })), false);
    assert.equal(matches(newImage({ status: { S: [{ exists: false }] } })), true);
    assert.equal(matches(newImage({ status: { S: [{ exists: true }] } })), false);
    // The pitfall Lambda's documentation warns of: `type` itself is an object, not a leaf.
    assert.equal(matches(newImage({ type: [{ exists: true }] })), false);
    assert.equal(matches(newImage({ type: [{ exists: false }] })), true);
  });

  it('a missing parent (no OldImage on an INSERT) matches only exists: false', () => {
    assert.equal(matches({ dynamodb: { OldImage: { status: { S: [{ exists: false }] } } } }), true);
    assert.equal(matches({ dynamodb: { OldImage: { status: { S: ['OPEN'] } } } }), false);
    assert.equal(matches({ dynamodb: { OldImage: { status: { S: [{ 'anything-but': 'OPEN' }] } } } }), false);
  });

  it('null, empty string, booleans, and values of a list', () => {
    assert.equal(matches(newImage({ note: { NULL: [true] } })), true);
    assert.equal(matches(newImage({ urgent: { BOOL: [true] } })), true);
    assert.equal(matches(newImage({ urgent: { BOOL: [false] } })), false);
    assert.equal(matches({ userIdentity: [null] }, { ...insert, userIdentity: null }), true);
    assert.equal(matches({ userIdentity: [null] }), false, 'missing is not null');
    assert.equal(matches(newImage({ type: { S: [''] } })), false);
    assert.equal(matches(newImage({ tags: { SS: ['priority'] } })), true, 'any element of a set');
    assert.equal(matches(newImage({ tags: { SS: ['urgent'] } })), false);
    assert.equal(
      matches(newImage({ lines: { L: { M: { sku: { S: ['B-1'] } } } } })),
      true,
      'any element of a list',
    );
    assert.equal(matches(newImage({ lines: { L: { M: { sku: { S: ['C-9'] } } } } })), false);
  });

  it('$or matches when one of its patterns does', () => {
    const pattern: FilterPattern = {
      $or: [{ eventName: ['REMOVE'] }, newImage({ type: { S: ['ORDER_APPROVED'] } })],
    };
    assert.equal(matches(pattern), true);
    assert.equal(matches(pattern, { ...insert, eventName: 'MODIFY', dynamodb: {} }), false);
  });

  it('a record passes when any of the consumer’s filters matches; no filters let everything through', () => {
    assert.equal(matchesAnyFilter([{ eventName: ['REMOVE'] }, { eventName: ['INSERT'] }], insert), true);
    assert.equal(matchesAnyFilter([{ eventName: ['REMOVE'] }, { eventName: ['MODIFY'] }], insert), false);
    assert.equal(matchesAnyFilter([], insert), true);
  });

  it('refuses what Lambda refuses, naming the place', () => {
    const refused = (pattern: unknown, where: RegExp) =>
      assert.throws(
        () => checkFilterPattern(pattern),
        (error: Error) => {
          assert.ok(error instanceof FilterPatternError);
          assert.match(error.message, where);
          return true;
        },
      );
    refused({ eventName: 'INSERT' }, /pattern\.eventName must be a list of rules/);
    refused({ eventName: [] }, /pattern\.eventName is an empty list/);
    refused(
      { eventName: [{ 'starts-with': 'IN' }] },
      /pattern\.eventName\[0\]: starts-with is not an operator/,
    );
    refused(
      { dynamodb: { SizeBytes: [{ numeric: ['>', '5'] }] } },
      /pattern\.dynamodb\.SizeBytes\[0\]: numeric/,
    );
    refused({ dynamodb: { SizeBytes: [{ numeric: ['<', 5, '>', 1] }] } }, /numeric takes/);
    refused({ eventName: [{ exists: 'yes' }] }, /exists takes true or false/);
    refused({ eventName: [{ prefix: 'A', suffix: 'B' }] }, /one operator/);
    refused({}, /non-empty object/);
    refused({ $or: [{ eventName: ['INSERT'] }] }, /\$or must list two patterns/);
  });

  it('every stream consumer of the manifest has filters Lambda would take', () => {
    assert.ok(streamFunctions.length > 0);
    for (const fn of streamFunctions) for (const pattern of fn.source.filters) checkFilterPattern(pattern);
  });
});
