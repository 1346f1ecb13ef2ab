import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ORDER_ENTITY } from '../functions/orders/keys';
import { FINAL_STATUSES } from '../functions/orders/status';
import type { OrderWorkflowInput } from '../functions/orders/workflow-start';
import type { WorkflowPort } from '../functions/shared/workflow/port';

/**
 * Resume on start: every order not in a final status gets its workflow started again. The local
 * runner keeps executions in memory, so after a stop (or a crash) the orders that were half-way
 * have none; the definition routes on the stored status, so a new execution carries on where the
 * order is, and a waiting one parks a fresh task token. Also picks up an order whose execution
 * never started (create's start failed).
 *
 * This reads the whole table with a Scan: it is an offline job of the twin, run once at start,
 * never on a request's path (docs/design.md §3).
 */
export async function resumeOrders(args: {
  client: DynamoDBDocumentClient;
  tableName: string;
  port: Pick<WorkflowPort, 'startExecution'>;
}): Promise<{ resumed: number }> {
  const names: Record<string, string> = { '#entity': 'entity', '#status': 'status', '#id': 'id' };
  const values: Record<string, unknown> = { ':order': ORDER_ENTITY };
  FINAL_STATUSES.forEach((status, i) => {
    values[`:final${i}`] = status;
  });
  const finals = FINAL_STATUSES.map((_, i) => `:final${i}`).join(', ');
  let resumed = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await args.client.send(
      new ScanCommand({
        TableName: args.tableName,
        FilterExpression: `#entity = :order AND NOT #status IN (${finals})`,
        ProjectionExpression: 'tenantId, #id',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const input: OrderWorkflowInput = { tenantId: item.tenantId as string, orderId: item.id as string };
      const started = await args.port.startExecution({
        stateMachine: 'orderLifecycle',
        name: input.orderId,
        input,
      });
      if (!started.alreadyStarted) resumed += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { resumed };
}
