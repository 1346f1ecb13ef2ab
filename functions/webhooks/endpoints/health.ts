import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../../shared/db/client';
import type { TransactItem } from '../../shared/db/transact-item';
import { WriteCancelledError, writeItems } from '../../shared/db/write-items';
import { type EndpointRecord, endpointKey } from './store';

/**
 * What deliveries teach about an endpoint, written on its item: since when it has been failing
 * (`failingSince`, set by the first failure of a streak, cleared by a success) and, when it is
 * given up on, `enabled: false` with why and when. Streak bookkeeping does not move the version
 * (it is not a change anyone made, and must not turn a client's If-Match stale); disabling does.
 */
const table = () => domainTableName();

async function conditionalUpdate(input: ConstructorParameters<typeof UpdateCommand>[0]): Promise<boolean> {
  try {
    await documentClient.send(new UpdateCommand(input));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** A success ends the failing streak (one write only when there was one). */
export async function recordEndpointSuccess(record: EndpointRecord): Promise<void> {
  if (!record.failingSince) return;
  await conditionalUpdate({
    TableName: table(),
    Key: endpointKey(record.tenantId, record.id),
    UpdateExpression: 'REMOVE failingSince',
    ConditionExpression: 'attribute_exists(pk)',
  });
}

/** A failure starts a streak unless one is running; true when this call started it. */
export async function recordEndpointFailure(record: EndpointRecord, now: Date): Promise<boolean> {
  if (record.failingSince) return false;
  return conditionalUpdate({
    TableName: table(),
    Key: endpointKey(record.tenantId, record.id),
    UpdateExpression: 'SET failingSince = :now',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(failingSince)',
    ExpressionAttributeValues: { ':now': now.toISOString() },
  });
}

/**
 * Disables the endpoint (`gone`: it answered 410; `failing`: failing for days), with `also` in the
 * same transaction (the notices to the tenant's other endpoints). Only an enabled endpoint is
 * disabled, so of two workers reaching the same verdict one does it: true for that one.
 */
export async function disableEndpoint(
  record: EndpointRecord,
  reason: 'gone' | 'failing',
  now: Date,
  also: TransactItem[] = [],
): Promise<boolean> {
  const at = now.toISOString();
  try {
    await writeItems([
      {
        Update: {
          TableName: table(),
          Key: endpointKey(record.tenantId, record.id),
          UpdateExpression:
            'SET enabled = :false, disabledReason = :reason, disabledAt = :at, updatedAt = :at, version = version + :one',
          ConditionExpression: 'attribute_exists(pk) AND enabled = :true',
          ExpressionAttributeValues: {
            ':false': false,
            ':true': true,
            ':reason': reason,
            ':at': at,
            ':one': 1,
          },
        },
      },
      ...also,
    ]);
    return true;
  } catch (error) {
    if (error instanceof WriteCancelledError && error.reasons[0] === 'ConditionalCheckFailed') return false;
    throw error;
  }
}
