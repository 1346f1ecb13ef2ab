import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  DynamoAction,
  FunctionSpec,
  TableAccess,
  WorkflowAccess,
  WorkflowAction,
} from '../functions/manifest';
import type { StateMachineId } from '../functions/shared/workflow/port';

/**
 * Local IAM: every DynamoDB request a handler makes is checked against the table access its
 * manifest entry declares, the same list the CDK stack turns into IAM grants, and every Step
 * Functions call against its workflow access. A handler that would get AccessDenied in AWS gets
 * it here first.
 *
 * In the twin, each Lambda environment checks its own function's requests; tests that run a
 * handler in their own process name the function with `currentInvocation.run(…)`.
 */
export interface Invocation {
  fn: Pick<FunctionSpec, 'tables' | 'workflow'>;
  name: string;
}

/** The function a handler running in this process belongs to (tests that call handlers directly). */
export const currentInvocation = new AsyncLocalStorage<Invocation>();

type TableId = keyof TableAccess;

/** Hears of every request a function made; `context` is the SDK's, shared with the request's other middleware. */
export type DynamoRequestObserver = (
  functionName: string,
  command: string,
  durationMs: number,
  error: Error | undefined,
  context: object,
) => void;

/**
 * Installs the check on a DynamoDB client: `caller()` says which function is calling (none: the
 * twin itself or a test, unrestricted). `observe` hears of every request a function made.
 */
export function installLocalIam(
  client: DynamoDBClient,
  tableIds: Record<string, TableId>,
  caller: () => Invocation | undefined,
  observe?: DynamoRequestObserver,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const invocation = caller();
      if (!invocation) return next(args);
      const command = context.commandName ?? 'Unknown';
      const started = performance.now();
      try {
        assertTableAccess(invocation, command, args.input as Record<string, unknown>, tableIds);
        const result = await next(args);
        observe?.(invocation.name, command, performance.now() - started, undefined, context);
        return result;
      } catch (error) {
        observe?.(invocation.name, command, performance.now() - started, error as Error, context);
        throw error;
      }
    },
    { step: 'initialize', name: 'orderlyLocalIam', override: true },
  );
}

function assertTableAccess(
  invocation: Invocation,
  command: string,
  input: Record<string, unknown>,
  tableIds: Record<string, TableId>,
): void {
  for (const { table, action } of actionsOf(command, input)) {
    const tableId = tableIds[table];
    const allowed: readonly string[] | undefined = tableId ? invocation.fn.tables[tableId] : undefined;
    if (!allowed?.includes(action)) {
      throw accessDenied(
        `User: local/${invocation.name} is not authorized to perform: dynamodb:${action} on resource: table/${table} ` +
          '(add it to the function’s tables in functions/manifest.ts)',
      );
    }
  }
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
 * Local IAM for Step Functions: a function may call an action on a state machine only if its
 * manifest entry lists it there. `stateMachine` is undefined for a task token the twin cannot
 * place (already answered or never minted): the action on any state machine suffices, and the
 * call then fails as AWS fails it, with an invalid token.
 */
export function assertWorkflowAccess(
  functionName: string,
  access: WorkflowAccess | undefined,
  action: WorkflowAction,
  stateMachine: StateMachineId | undefined,
): void {
  const granted = access ?? {};
  const allowed =
    stateMachine === undefined
      ? Object.values(granted).some((actions) => actions?.includes(action))
      : (granted[stateMachine]?.includes(action) ?? false);
  if (!allowed) {
    throw accessDenied(
      `User: local/${functionName} is not authorized to perform: states:${action} on resource: ` +
        `stateMachine/${stateMachine ?? '*'} (add it to the function’s workflow in functions/manifest.ts)`,
    );
  }
}

function accessDenied(message: string): Error {
  const error = new Error(message);
  error.name = 'AccessDeniedException';
  return error;
}
