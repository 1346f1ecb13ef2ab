import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../../shared/db/client';
import { scheduleKey } from './keys';
import { type ScheduleState, scheduleOf } from './schedule-items';

/** The tenant's schedule, or undefined while it has none (no data yet). Consistent: a write follows. */
export async function readSchedule(tenantId: string): Promise<ScheduleState | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: domainTableName(), Key: scheduleKey(tenantId), ConsistentRead: true }),
  );
  return Item ? scheduleOf(Item) : undefined;
}
