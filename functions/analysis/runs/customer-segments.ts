import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { customerKey } from '../../customers/keys';
import { documentClient, domainTableName } from '../../shared/db/client';
import { eachLimited } from './read-segments';

/**
 * Each customer's segment, on the customer item (`analysis.segment = { id, label, runId,
 * assignedAt }`; GET /v1/customers/{id} shows it): one UpdateItem per customer, CONCURRENCY at a
 * time. It does not touch `version` or `updatedAt` — the analysis is not a change a user made, and
 * an If-Match a user holds must stay valid — and it does not write the customersByCountry index
 * (the attribute is not projected there). A customer deleted since it was read is skipped (the
 * condition keeps the update from creating an item), not an error.
 *
 * These are written before the run's last write: a run that dies while writing them leaves some
 * customers with the segment of a run that is not served; each assignment names its run, so the
 * customer's own segment and its segment's open needs stay consistent, and the next run rewrites all.
 */
export const CONCURRENCY = 32;

export interface CustomerSegmentsWrite {
  tenantId: string;
  runId: string;
  at: string;
  customerIds: readonly string[];
  /** Segment per customer, same order. */
  assignments: ArrayLike<number>;
  labels: readonly string[];
}

export async function writeCustomerSegments(
  w: CustomerSegmentsWrite,
): Promise<{ written: number; gone: number }> {
  let written = 0;
  let gone = 0;
  const rows = Array.from(w.customerIds.keys());
  await eachLimited(rows, CONCURRENCY, async (row) => {
    const id = w.assignments[row] as number;
    try {
      await documentClient.send(
        new UpdateCommand({
          TableName: domainTableName(),
          Key: customerKey(w.tenantId, w.customerIds[row] as string),
          UpdateExpression: 'SET #analysis = :analysis',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#analysis': 'analysis' },
          ExpressionAttributeValues: {
            ':analysis': { segment: { id, label: w.labels[id] ?? '', runId: w.runId, assignedAt: w.at } },
          },
        }),
      );
      written++;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      gone++;
    }
  });
  return { written, gone };
}
