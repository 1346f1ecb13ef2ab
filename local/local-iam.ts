import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoAction, TableAccess, WorkflowAction } from '../functions/manifest';
import type { StateMachineId, WorkflowPort } from '../functions/shared/workflow/port';
import { currentInvocation } from './lambda-runtime';

/**
 * Local IAM: every DynamoDB request a handler makes is checked against the table access its
 * manifest entry declares, the same list the CDK stack turns into IAM grants. A handler that
 * would get AccessDenied in AWS gets it here first. The same hook counts requests per function.
 */
export interface DynamoRequestLog {
  record(functionName: string, command: string): void;
}

type TableId = keyof TableAccess;

export function installLocalIam(
  client: DynamoDBClient,
  tableIds: Record<string, TableId>,
  log: DynamoRequestLog,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const invocation = currentInvocation.getStore();
      if (invocation) {
        const command = context.commandName ?? 'Unknown';
        log.record(invocation.name, command);
        for (const { table, action } of actionsOf(command, args.input as Record<string, unknown>)) {
          const tableId = tableIds[table];
          const allowed: readonly string[] | undefined = tableId ? invocation.fn.tables[tableId] : undefined;
          if (!allowed?.includes(action)) {
            const error = new Error(
              `User: local/${invocation.name} is not authorized to perform: dynamodb:${action} on resource: table/${table} ` +
                '(add it to the function’s tables in functions/manifest.ts)',
            );
            error.name = 'AccessDeniedException';
            throw error;
          }
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'orderlyLocalIam', override: true },
  );
}

type Needed = { table: string; action: DynamoAction | 'Scan' | 'BatchWriteItem' | 'Other' };

/** The IAM actions a DynamoDB API call needs, per table. */
export function actionsOf(command: string, input: Record<string, unknown>): Needed[] {
  const name = command.replace(/Command$/, '');
  const table = input.TableName as string | undefined;
  switch (name) {
    case 'GetItem':
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
    case 'Query':
    case 'Scan':
      return [{ table: table ?? '', action: name }];
    case 'BatchGetItem':
      return Object.keys((input.RequestItems as object) ?? {}).map((t) => ({
        table: t,
        action: 'BatchGetItem',
      }));
    case 'BatchWriteItem':
      return Object.keys((input.RequestItems as object) ?? {}).map((t) => ({
        table: t,
        action: 'BatchWriteItem',
      }));
    case 'TransactWriteItems':
      return ((input.TransactItems as Record<string, { TableName: string }>[]) ?? []).map((item) => {
        const [kind, body] = Object.entries(item)[0] ?? ['Other', { TableName: '' }];
        const action = (
          {
            Put: 'PutItem',
            Update: 'UpdateItem',
            Delete: 'DeleteItem',
            ConditionCheck: 'ConditionCheckItem',
          } as const
        )[kind as 'Put'];
        return { table: body.TableName, action: action ?? 'Other' };
      });
    case 'TransactGetItems':
      return ((input.TransactItems as { Get: { TableName: string } }[]) ?? []).map((item) => ({
        table: item.Get.TableName,
        action: 'GetItem',
      }));
    default:
      return [{ table: table ?? '', action: 'Other' }];
  }
}

/**
 * Local IAM for Step Functions: a call through the workflow port from a function whose manifest
 * entry does not list the action on that state machine fails with AccessDeniedException, as the
 * function's role would make it fail in AWS. Calls from outside any function (the twin itself,
 * tests) pass. A task token's state machine is the one that minted it (`ownerOf`); for a token the
 * runner cannot place, the action on any state machine suffices.
 */
export function localIamWorkflowPort(
  port: WorkflowPort,
  ownerOf: (taskToken: string) => StateMachineId | undefined,
): WorkflowPort {
  const check = (action: WorkflowAction, stateMachine: StateMachineId | undefined) => {
    const invocation = currentInvocation.getStore();
    if (!invocation) return;
    const access = invocation.fn.workflow ?? {};
    const allowed =
      stateMachine === undefined
        ? Object.values(access).some((actions) => actions?.includes(action))
        : (access[stateMachine]?.includes(action) ?? false);
    if (!allowed) {
      const error = new Error(
        `User: local/${invocation.name} is not authorized to perform: states:${action} on resource: ` +
          `stateMachine/${stateMachine ?? '*'} (add it to the function’s workflow in functions/manifest.ts)`,
      );
      error.name = 'AccessDeniedException';
      throw error;
    }
  };
  return {
    startExecution: async (args) => {
      check('StartExecution', args.stateMachine);
      return port.startExecution(args);
    },
    sendTaskSuccess: async (taskToken, output) => {
      check('SendTaskSuccess', ownerOf(taskToken));
      return port.sendTaskSuccess(taskToken, output);
    },
    sendTaskFailure: async (taskToken, error, cause) => {
      check('SendTaskFailure', ownerOf(taskToken));
      return port.sendTaskFailure(taskToken, error, cause);
    },
  };
}
