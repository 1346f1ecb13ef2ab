import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct, IConstruct } from 'constructs';
import type { WorkflowAccess, WorkflowAction } from '../functions/manifest';
import { STATE_MACHINE_ARN_ENV } from '../functions/shared/workflow/aws-adapter';
import type { StateMachineId } from '../functions/shared/workflow/port';
import { rootStackName } from './root-stack';

/**
 * State machines get fixed names, so their ARNs can be written before they exist: the
 * definition references the task functions, and functions that answer task tokens reference
 * the state machine, which would otherwise be a dependency cycle (across stacks, too: the
 * functions are in nested stacks, the state machine in the parent).
 */
export const stateMachineName = (scope: Construct, id: StateMachineId) =>
  `${rootStackName(scope)}-${id[0]?.toUpperCase()}${id.slice(1)}`;

export const stateMachineArn = (scope: Construct, id: StateMachineId) =>
  Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: stateMachineName(scope, id),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

/**
 * The executions of a state machine, as IAM names them: `execution:<stateMachineName>:<executionId>`.
 * Execution names are chosen at run time (one per order), so the ID is a wildcard; the state
 * machine's name is not.
 */
export const executionArnPattern = (scope: Construct, id: StateMachineId) =>
  Stack.of(scope).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${stateMachineName(scope, id)}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

/**
 * Actions whose IAM resource is an execution, not the state machine (the Step Functions service
 * authorization reference: DescribeExecution takes `execution*`).
 */
const ON_EXECUTIONS: readonly WorkflowAction[] = ['DescribeExecution'];

/**
 * Exactly the Step Functions actions the manifest lists, on that state machine only: StartExecution
 * and the task-token answers on the state machine's ARN, DescribeExecution on its executions.
 *
 * SendTaskSuccess/SendTaskFailure: the authorization reference lists no resource type for them
 * (the request names a token, not a resource), yet a grant on the state machine that issued the
 * token is honoured — it is what CDK's own `grantTaskResponse` grants, and what the approval and
 * fulfilment functions already use — so they stay scoped to this state machine rather than `*`.
 */
export function workflowAccessStatements(
  scope: Construct,
  access: WorkflowAccess | undefined,
): PolicyStatement[] {
  return Object.entries(access ?? {}).flatMap(([key, listed]) => {
    const id = key as StateMachineId;
    const pascal = `${id[0]?.toUpperCase()}${id.slice(1)}`;
    const actions = listed ?? [];
    const onMachine = actions.filter((action) => !ON_EXECUTIONS.includes(action));
    const onExecutions = actions.filter((action) => ON_EXECUTIONS.includes(action));
    return [
      ...(onMachine.length
        ? [
            new PolicyStatement({
              sid: `${pascal}Workflow`,
              effect: Effect.ALLOW,
              actions: onMachine.map((action) => `states:${action}`),
              resources: [stateMachineArn(scope, id)],
            }),
          ]
        : []),
      ...(onExecutions.length
        ? [
            new PolicyStatement({
              sid: `${pascal}Executions`,
              effect: Effect.ALLOW,
              actions: onExecutions.map((action) => `states:${action}`),
              resources: [executionArnPattern(scope, id)],
            }),
          ]
        : []),
    ];
  });
}

/**
 * cdk-nag flags the execution wildcard of DescribeExecution; it is acknowledged on the role of
 * each function that describes executions, with the finding named exactly.
 */
export function acknowledgeExecutionWildcards(role: IConstruct, access: WorkflowAccess | undefined): void {
  for (const [key, actions] of Object.entries(access ?? {})) {
    if (!actions?.some((action) => ON_EXECUTIONS.includes(action))) continue;
    const name = stateMachineName(role, key as StateMachineId);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}:*]`,
      reason:
        `DescribeExecution's IAM resource is an execution, and ${name}'s executions are named at run time ` +
        '(one per order), so the execution ID is a wildcard; the pattern is confined to this one state machine ' +
        'in this account and Region, and grants only DescribeExecution.',
    });
  }
}

/** Functions that start executions learn the state machine's ARN from the environment. */
export function workflowEnvironment(
  scope: Construct,
  access: WorkflowAccess | undefined,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [id, actions] of Object.entries(access ?? {})) {
    if (actions?.includes('StartExecution')) {
      environment[STATE_MACHINE_ARN_ENV[id as StateMachineId]] = stateMachineArn(scope, id as StateMachineId);
    }
  }
  return environment;
}
