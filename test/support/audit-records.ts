import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { auditPartitions } from '../../functions/audit/records';
import { documentClient } from '../../functions/shared/db/client';
import { auditTable } from '../../functions/shared/db/tables';

/** The audit records of one resource of a tenant, oldest first, as an auditor reads them. */
export async function auditRecordsOf(tenantId: string, resource: string): Promise<Record<string, unknown>[]> {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: process.env[auditTable.envVar],
      IndexName: 'auditByResource',
      KeyConditionExpression: 'resourcePk = :p',
      ExpressionAttributeValues: { ':p': auditPartitions.resource(tenantId, resource) },
    }),
  );
  return result.Items ?? [];
}
