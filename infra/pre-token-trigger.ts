import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { LambdaVersion, type UserPool, UserPoolOperation } from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { domainTable } from '../functions/shared/db/tables';
import { lambdaBundling, REPO_ROOT } from './bundling';
import { LOG_RETENTION, RUNTIME } from './functions';
import { lambdaRole } from './lambda-role';

/** The registry items of machine clients (functions/clients/store.ts): the only keys the trigger may read. */
export const MACHINE_CLIENT_KEY_PREFIX = 'MACHINE_CLIENT#';

export interface PreTokenTriggerProps {
  userPool: UserPool;
  table: ITableV2;
}

/**
 * Cognito's pre-token-generation trigger, event version 3 (the version that also runs for
 * client-credentials grants): it looks the client up in the machine-client registry and writes
 * the client's tenant (and partner) into its access token (functions/clients/pre-token-generation.ts).
 * An unknown client gets no token. Person sign-ins pass through it unchanged.
 *
 * Its role may write its logs and GetItem machine-client registry items, nothing else: no other
 * key of the domain table, no other action.
 */
export class PreTokenTrigger extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: PreTokenTriggerProps) {
    super(scope, id);
    const physicalName = `${Stack.of(this).stackName}-preTokenGeneration`;
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${physicalName}`,
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = lambdaRole(this, 'Role', {
      description: 'Orderly preTokenGeneration: its logs and reading machine-client registry items',
      logGroup,
      statements: [
        new PolicyStatement({
          sid: 'MachineClientRegistry',
          effect: Effect.ALLOW,
          actions: ['dynamodb:GetItem'],
          resources: [props.table.tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${MACHINE_CLIENT_KEY_PREFIX}*`] },
          },
        }),
      ],
    });
    this.fn = new NodejsFunction(this, 'Function', {
      functionName: physicalName,
      description:
        'Cognito pre-token-generation (V3): adds a machine client’s tenant and partner to its token',
      entry: join(REPO_ROOT, 'functions/clients/pre-token-generation.ts'),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      // Cognito waits five seconds for a trigger, then fails the sign-in or token request.
      timeout: Duration.seconds(5),
      role,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'orderly',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        [domainTable.envVar]: props.table.tableName,
      },
      bundling: lambdaBundling(),
    });
    props.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, this.fn, LambdaVersion.V3_0);
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime Orderly targets everywhere (package.json engines, the twin, the tests, the ' +
        'node22 bundles); the trigger moves to a newer runtime with all other functions, deliberately.',
    });
  }
}
