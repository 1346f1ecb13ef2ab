import type { _Record, AttributeValue as StreamsAttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

/**
 * A stream record as Lambda hands it to a DynamoDB stream consumer: the record GetRecords returns,
 * with the stream's ARN added as `eventSourceARN`, its images still as AttributeValues (Lambda never
 * unmarshalls them), binaries as base64 strings (the JSON that Lambda sends), and
 * `ApproximateCreationDateTime` as epoch seconds (the SDK makes it a Date).
 *
 * DynamoDB Local, unlike DynamoDB, rounds ApproximateCreationDateTime down to the minute (DynamoDB
 * rounds it down to the second), and names its region `ddblocal`; both are passed on as they come.
 */
export function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource,
    awsRegion: record.awsRegion,
    dynamodb: {
      ...(stream.ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: stream.ApproximateCreationDateTime.getTime() / 1000 }
        : {}),
      ...(stream.Keys ? { Keys: imageOf(stream.Keys) } : {}),
      ...(stream.NewImage ? { NewImage: imageOf(stream.NewImage) } : {}),
      ...(stream.OldImage ? { OldImage: imageOf(stream.OldImage) } : {}),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
    // Lambda names the deleter of a TTL expiry in lower camel case, unlike the Streams API.
    ...(record.userIdentity
      ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }
      : {}),
    eventSourceARN: streamArn,
  };
}

function imageOf(image: Record<string, StreamsAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, attributeOf(value)]));
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function attributeOf(value: StreamsAttributeValue): AttributeValue {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(attributeOf) };
  if (value.M !== undefined) return { M: imageOf(value.M) };
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  // The Streams client deserializes an empty map (`{"M":{}}` on the wire) to `{}`: every other
  // type keeps its key even when empty, so an object without one is an empty map.
  if (Object.keys(value).length === 0) return { M: {} };
  throw new Error(`Unknown attribute type in a stream record: ${Object.keys(value).join(', ')}`);
}

/** Orders two sequence numbers (decimal strings of any length, as DynamoDB Streams makes them). */
export function compareSequenceNumbers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** When the record was written, in epoch milliseconds, as precise as the stream says (see above). */
export const createdAtMs = (record: DynamoDBRecord): number | undefined => {
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  return seconds === undefined ? undefined : seconds * 1000;
};
