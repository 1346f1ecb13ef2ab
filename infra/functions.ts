import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { Duration, type NestedStack, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionSpec, functionName, functions } from '../functions/manifest';
import { TOKEN_USE_VARIABLE } from '../functions/shared/auth/claims';
import { docsAsset } from '../functions/system/operations';
import { lambdaBundling, REPO_ROOT } from './bundling';
import type { CursorKey } from './cursor-key';
import type { DeadLetterQueue } from './dead-letter-queue';
import type { DomainEventBus } from './event-bus';
import { FunctionAreas } from './function-areas';
import { type FunctionGrant, noGrant } from './function-grant';
import { type Api, ApiRoutes } from './http-api';
import { lambdaRole } from './lambda-role';
import { rootStackName } from './root-stack';
import { JobSchedule, type JobSchedules } from './schedules';
import type { SecretsKey } from './secrets-key';
import { StreamSubscription } from './stream-sources';
import { tableAccessStatements } from './table-access';
import type { Tables } from './tables';
import {
  acknowledgeExecutionWildcards,
  workflowAccessStatements,
  workflowEnvironment,
} from './workflow-access';

export const RUNTIME = Runtime.NODEJS_22_X;
export const LOG_RETENTION = RetentionDays.ONE_MONTH;

/** Files of swagger-ui-dist the docs handler reads from `./swagger-ui/` next to its bundle. */
const SWAGGER_UI_FILES = [
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'LICENSE',
  'NOTICE',
];
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

export interface LambdaFunctionsProps {
  tables: Tables;
  cursorKey: CursorKey;
  eventBus: DomainEventBus;
  schedules: JobSchedules;
  secretsKey: SecretsKey;
  /** HTTP functions get their route on this API, built in their own nested stack. */
  api: Api;
}

/**
 * What invokes a function other than API Gateway or Step Functions: a stream subscription or a
 * schedule. Its grant goes into the function's role before the function exists; it is attached
 * to the function after.
 */
interface Trigger {
  readonly deadLetters: DeadLetterQueue;
  grant(): FunctionGrant;
  attach(fn: NodejsFunction): unknown;
}

/**
 * One Lambda function per manifest entry, each with its own log group and its own role that
 * allows exactly the DynamoDB and Step Functions actions the manifest lists (and reading the
 * cursor key where it lists `cursors`, publishing to the event bus where it lists
 * `publishesEvents`, sealing or opening stored secrets where it lists `secrets`), what its
 * trigger needs (reading its table's stream, sending to its dead-letter queue), and nothing else
 * besides writing its logs.
 *
 * Each function lives in the nested stack of its area (function-areas.ts) with everything that is
 * its alone: role, log group, trigger and dead-letter queue, and an HTTP function's route,
 * integration and invoke permission.
 */
export class LambdaFunctions extends Construct {
  /** By manifest function name (the operationId). */
  readonly byName: ReadonlyMap<string, NodejsFunction>;
  private readonly deadLetterQueues = new Map<string, DeadLetterQueue>();
  private readonly areas: FunctionAreas;
  private readonly routes = new Map<NestedStack, ApiRoutes>();

  constructor(scope: Construct, id: string, props: LambdaFunctionsProps) {
    super(scope, id);
    this.areas = new FunctionAreas(this);
    const built = new Map<string, NodejsFunction>();
    for (const spec of functions) {
      const name = functionName(spec);
      if (built.has(name)) throw new Error(`Two manifest functions are named ${name}`);
      built.set(name, this.build(spec, props));
    }
    this.byName = built;

    // Acknowledged once for every function built here (nested stacks included: cdk-nag looks up the tree).
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime Orderly targets everywhere: package.json engines, the local twin and the tests ' +
        'run on Node 22, and bundles are built for node22. Moving to a newer runtime is a deliberate upgrade of ' +
        'all of them together, not a drift of the Lambda runtime alone.',
    });
  }

  /** The nested stacks of the functions, by construct id (the area's name in PascalCase). */
  get nestedStacks(): ReadonlyMap<string, NestedStack> {
    return this.areas.all;
  }

  /** The stream consumers' and scheduled jobs' dead-letter queues, by manifest function name. */
  get deadLetters(): ReadonlyMap<string, DeadLetterQueue> {
    return this.deadLetterQueues;
  }

  private build(spec: FunctionSpec, props: LambdaFunctionsProps): NodejsFunction {
    const { tables, cursorKey, eventBus, secretsKey } = props;
    const name = functionName(spec);
    const area = this.areas.of(spec);
    const scope = new Construct(area, name);
    const trigger = triggerOf(scope, spec, props);
    if (trigger) this.deadLetterQueues.set(name, trigger.deadLetters);
    const grants = [
      spec.cursors ? cursorKey.grant() : noGrant(),
      eventBus.grant(spec),
      spec.secrets?.length ? secretsKey.grant(spec.secrets) : noGrant(),
      trigger?.grant() ?? noGrant(),
    ];
    // The top-level stack's name: a nested stack's own is a token (and not what names should carry).
    const physicalName = `${rootStackName(this)}-${name}`;
    if (physicalName.length > 64)
      throw new Error(`Function name ${physicalName} is longer than Lambda allows`);

    const logGroup = new LogGroup(scope, 'Logs', {
      logGroupName: `/aws/lambda/${physicalName}`,
      retention: LOG_RETENTION,
      // Operational logs only (no personal data is logged); the system of record is the table.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const role = lambdaRole(scope, 'Role', {
      description: `Orderly ${name}: its logs, the actions the manifest lists, and what its trigger needs`,
      logGroup,
      statements: [
        ...tableAccessStatements(spec.tables, tables),
        ...workflowAccessStatements(scope, spec.workflow),
        ...grants.flatMap((grant) => grant.statements),
      ],
    });
    acknowledgeExecutionWildcards(role, spec.workflow);

    const environment: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: 'orderly',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      ...workflowEnvironment(scope, spec.workflow),
      ...Object.fromEntries(grants.flatMap((grant) => Object.entries(grant.environment))),
      // The Cognito token the API takes (the principal checks `token_use`): see docs/security.md.
      ...(spec.kind === 'http' ? { [TOKEN_USE_VARIABLE]: 'id' } : {}),
    };
    for (const definition of tables.definitions) {
      if (spec.tables[definition.id]?.length)
        environment[definition.envVar] = tables.byId[definition.id].tableName;
    }

    const fn = new NodejsFunction(scope, 'Function', {
      functionName: physicalName,
      description: descriptionOf(spec),
      entry: join(REPO_ROOT, spec.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role,
      logGroup,
      environment,
      bundling: lambdaBundling(
        spec.kind === 'http' && spec.operation.operationId === docsAsset.operationId
          ? copySwaggerUi
          : undefined,
      ),
    });
    trigger?.attach(fn);
    if (spec.kind === 'http') this.routesOf(area, props.api).add(scope, spec, fn);
    return fn;
  }

  private routesOf(area: NestedStack, api: Api): ApiRoutes {
    let routes = this.routes.get(area);
    if (!routes) {
      routes = new ApiRoutes(area, 'Api', api);
      this.routes.set(area, routes);
    }
    return routes;
  }
}

function triggerOf(scope: Construct, spec: FunctionSpec, props: LambdaFunctionsProps): Trigger | undefined {
  if (spec.kind === 'stream')
    return new StreamSubscription(scope, 'Stream', { consumer: spec, tables: props.tables });
  if (spec.kind === 'schedule')
    return new JobSchedule(scope, 'Schedule', { job: spec, schedules: props.schedules });
  return undefined;
}

function descriptionOf(spec: FunctionSpec): string {
  switch (spec.kind) {
    case 'http':
      return spec.operation.summary;
    case 'task':
      return `Order workflow task: ${spec.name}`;
    case 'stream':
      return `Stream consumer of the ${spec.source.table} table: ${spec.name}`;
    case 'schedule':
      return `Scheduled job: ${spec.name} (${spec.schedule.expression}, ${spec.schedule.timeZone})`;
  }
}

/** Copies the Swagger UI files into `swagger-ui/` beside the docs bundle. */
function copySwaggerUi(inputDir: string, outputDir: string): string[] {
  const source = join(inputDir, relative(REPO_ROOT, SWAGGER_UI_DIR));
  const target = join(outputDir, 'swagger-ui');
  return [
    `mkdir -p "${target}"`,
    ...SWAGGER_UI_FILES.map((file) => `cp "${join(source, file)}" "${target}/${file}"`),
  ];
}
