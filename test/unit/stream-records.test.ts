import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { compareSequenceNumbers, toLambdaRecord } from '../../local/streams/records';

const STREAM = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026-01-01T00:00:00.000';

describe('stream records in Lambda’s shape', () => {
  it('a TTL deletion: the old image only, Lambda’s lower-case userIdentity, epoch seconds', () => {
    const record = toLambdaRecord(
      {
        eventID: 'e1',
        eventName: 'REMOVE',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'ddblocal',
        dynamodb: {
          ApproximateCreationDateTime: new Date('2026-01-01T10:20:00Z'),
          Keys: { pk: { S: 'k' } },
          OldImage: { pk: { S: 'k' }, expiresAt: { N: '1767225600' } },
          SequenceNumber: '000000000000000000007',
          SizeBytes: 30,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        userIdentity: { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' },
      },
      STREAM,
    );
    assert.deepEqual(record, {
      eventID: 'e1',
      eventName: 'REMOVE',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      dynamodb: {
        ApproximateCreationDateTime: 1767262800,
        Keys: { pk: { S: 'k' } },
        OldImage: { pk: { S: 'k' }, expiresAt: { N: '1767225600' } },
        SequenceNumber: '000000000000000000007',
        SizeBytes: 30,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
      eventSourceARN: STREAM,
    });
  });

  it('sequence numbers compare as numbers, whatever their length', () => {
    assert.equal(compareSequenceNumbers('000000000000000000009', '000000000000000000010'), -1);
    assert.equal(compareSequenceNumbers('4000000000000000000001', '900000000000000000000'), 1);
    assert.equal(compareSequenceNumbers('42', '000042'), 0);
  });
});
