import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * The role of every Lambda function Orderly builds (the manifest's functions, the pre-token
 * trigger, the machine-client registry writer): one inline policy, so no separate IAM::Policy
 * resource, that lets it write to its own log group and do exactly what `statements` say.
 */
export function lambdaRole(
  scope: Construct,
  id: string,
  props: { description: string; logGroup: ILogGroup; statements: readonly PolicyStatement[] },
): Role {
  return new Role(scope, id, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: props.description,
    inlinePolicies: {
      access: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'Logs',
            effect: Effect.ALLOW,
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            resources: [props.logGroup.logGroupArn],
          }),
          ...props.statements,
        ],
      }),
    },
  });
}
