import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The name Orderly is deployed under: the top-level stack's, also from inside a nested stack, whose
 * own `stackName` is a token (CloudFormation makes up nested stacks' names). Physical names —
 * functions, log groups, dead-letter queues, schedules, state machines — are `<this>-<name>`
 * whichever template holds them, so they do not move when a resource moves between templates.
 */
export function rootStackName(scope: IConstruct): string {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack.stackName;
}
