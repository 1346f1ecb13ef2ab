import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type FunctionSpec, functionName, functions } from '../functions/manifest';
import { TOKEN_USE_VARIABLE } from '../functions/shared/auth/claims';
import { docsAsset } from '../functions/system/operations';
import { lambdaBundling, REPO_ROOT } from './bundling';
import type { CursorKey } from './cursor-key';
import { tableAccessStatements } from './table-access';
import type { Tables } from './tables';
import { workflowAccessStatements, workflowEnvironment } from './workflow-access';

const RUNTIME = Runtime.NODEJS_22_X;
const LOG_RETENTION = RetentionDays.ONE_MONTH;

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
}

/**
 * One Lambda function per manifest entry, each with its own log group and its own role that
 * allows exactly the DynamoDB and Step Functions actions the manifest lists (and reading the
 * cursor key where it lists `cursors`), and nothing else besides writing its logs.
 */
export class LambdaFunctions extends Construct {
  /** By manifest function name (the operationId). */
  readonly byName: ReadonlyMap<string, NodejsFunction>;

  constructor(scope: Construct, id: string, props: LambdaFunctionsProps) {
    super(scope, id);
    const built = new Map<string, NodejsFunction>();
    for (const spec of functions) {
      const name = functionName(spec);
      if (built.has(name)) throw new Error(`Two manifest functions are named ${name}`);
      built.set(name, this.build(spec, props));
    }
    this.byName = built;

    // Acknowledged once for every function built here.
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime Orderly targets everywhere: package.json engines, the local twin and the tests ' +
        'run on Node 22, and bundles are built for node22. Moving to a newer runtime is a deliberate upgrade of ' +
        'all of them together, not a drift of the Lambda runtime alone.',
    });
  }

  private build(spec: FunctionSpec, { tables, cursorKey }: LambdaFunctionsProps): NodejsFunction {
    const name = functionName(spec);
    const cursors = spec.cursors ? cursorKey.grant() : { environment: {}, statements: [] };
    const scope = new Construct(this, name);
    const physicalName = `${Stack.of(this).stackName}-${name}`;
    if (physicalName.length > 64)
      throw new Error(`Function name ${physicalName} is longer than Lambda allows`);

    const logGroup = new LogGroup(scope, 'Logs', {
      logGroupName: `/aws/lambda/${physicalName}`,
      retention: LOG_RETENTION,
      // Operational logs only (no personal data is logged); the system of record is the table.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const role = new Role(scope, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Orderly ${name}: its logs and the DynamoDB and Step Functions actions the manifest lists`,
      inlinePolicies: {
        access: new PolicyDocument({
          statements: [
            new PolicyStatement({
              sid: 'Logs',
              effect: Effect.ALLOW,
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [logGroup.logGroupArn],
            }),
            ...tableAccessStatements(spec.tables, tables),
            ...workflowAccessStatements(this, spec.workflow),
            ...cursors.statements,
          ],
        }),
      },
    });

    const environment: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: 'orderly',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      ...workflowEnvironment(this, spec.workflow),
      ...cursors.environment,
      // The Cognito token the API takes (the principal checks `token_use`): see docs/security.md.
      ...(spec.kind === 'http' ? { [TOKEN_USE_VARIABLE]: 'id' } : {}),
    };
    for (const definition of tables.definitions) {
      if (spec.tables[definition.id]?.length)
        environment[definition.envVar] = tables.byId[definition.id].tableName;
    }

    return new NodejsFunction(scope, 'Function', {
      functionName: physicalName,
      description: spec.kind === 'http' ? spec.operation.summary : `Order workflow task: ${spec.name}`,
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
