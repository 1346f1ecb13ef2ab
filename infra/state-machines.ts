import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { functionName, stateMachines, taskFunctions } from '../functions/manifest';
import type { StateMachineId } from '../functions/shared/workflow/port';
import { REPO_ROOT } from './bundling';
import { stateMachineName } from './workflow-access';

export interface StateMachinesProps {
  functions: ReadonlyMap<string, IFunction>;
}

/**
 * Each manifest state machine, deployed from its ASL file — the file the local twin runs — with
 * `${…}` substitutions for its task functions' ARNs. Its role may invoke those functions and
 * nothing else of ours.
 */
export class StateMachines extends Construct {
  readonly byId: Partial<Record<StateMachineId, StateMachine>> = {};

  constructor(scope: Construct, id: string, props: StateMachinesProps) {
    super(scope, id);
    for (const spec of stateMachines) {
      const tasks = taskFunctions.filter((task) => task.stateMachine === spec.id);
      const fn = (name: string) => {
        const found = props.functions.get(name);
        if (!found) throw new Error(`No function ${name} for state machine ${spec.id}`);
        return found;
      };
      const file = join(REPO_ROOT, spec.definitionFile);
      const definition = readFileSync(file, 'utf8');
      const placeholders = new Set([...definition.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
      const provided = new Set(tasks.map((task) => task.definitionSubstitution));
      const missing = [...placeholders].filter((p) => !provided.has(p as string));
      const unused = [...provided].filter((p) => !placeholders.has(p));
      if (missing.length || unused.length) {
        throw new Error(
          `${spec.definitionFile} and the manifest disagree: no task for ${missing.join(', ') || '-'}; ` +
            `tasks not in the definition: ${unused.join(', ') || '-'}`,
        );
      }
      const name = stateMachineName(this, spec.id);
      const machine = new StateMachine(this, spec.id, {
        stateMachineName: name,
        stateMachineType: StateMachineType.STANDARD,
        // The file's text itself, not an S3 asset: the template shows exactly what the twin runs.
        definitionBody: DefinitionBody.fromString(definition),
        definitionSubstitutions: Object.fromEntries(
          tasks.map((task) => [task.definitionSubstitution, fn(functionName(task)).functionArn]),
        ),
        logs: {
          destination: new LogGroup(this, `${spec.id}Logs`, {
            logGroupName: `/aws/vendedlogs/states/${name}`,
            retention: RetentionDays.ONE_MONTH,
            removalPolicy: RemovalPolicy.DESTROY,
          }),
          level: LogLevel.ALL,
          // State data carries customer and order details: log transitions, not payloads.
          includeExecutionData: false,
        },
        tracingEnabled: true,
      });
      machine.addToRolePolicy(
        new PolicyStatement({
          sid: 'InvokeTasks',
          effect: Effect.ALLOW,
          actions: ['lambda:InvokeFunction'],
          resources: tasks.map((task) => fn(functionName(task)).functionArn),
        }),
      );
      Validations.of(machine.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only the statements CDK adds for log delivery and X-Ray tracing use "*": CloudWatch Logs vended delivery ' +
          '(logs:CreateLogDelivery, …) and xray:PutTraceSegments accept no narrower resource. Task invocation is ' +
          'granted per function ARN.',
      });
      this.byId[spec.id] = machine;
    }
  }
}
