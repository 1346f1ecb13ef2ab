import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { WorkflowAccess } from '../functions/manifest';
import { STATE_MACHINE_ARN_ENV } from '../functions/shared/workflow/aws-adapter';
import type { StateMachineId } from '../functions/shared/workflow/port';

/**
 * State machines get fixed names, so their ARNs can be written before they exist: the
 * definition references the task functions, and functions that answer task tokens reference
 * the state machine, which would otherwise be a dependency cycle.
 */
export const stateMachineName = (scope: Construct, id: StateMachineId) =>
  `${Stack.of(scope).stackName}-${id[0]?.toUpperCase()}${id.slice(1)}`;

export const stateMachineArn = (scope: Construct, id: StateMachineId) =>
  Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: stateMachineName(scope, id),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

/** Exactly the Step Functions actions the manifest lists, on that state machine only. */
export function workflowAccessStatements(
  scope: Construct,
  access: WorkflowAccess | undefined,
): PolicyStatement[] {
  return Object.entries(access ?? {}).map(
    ([id, actions]) =>
      new PolicyStatement({
        sid: `${id[0]?.toUpperCase()}${id.slice(1)}Workflow`,
        effect: Effect.ALLOW,
        actions: (actions ?? []).map((action) => `states:${action}`),
        resources: [stateMachineArn(scope, id as StateMachineId)],
      }),
  );
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
