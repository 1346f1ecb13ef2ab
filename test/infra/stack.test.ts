/**
 * The synthesized Orderly stack, checked against the manifest and the table definitions it is
 * built from, and against cdk-nag's AWS Solutions rules. The app is synthesized once (bundling
 * every function with esbuild), with the context of cdk.json, exactly as `cdk synth` builds it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CfnElement, CloudFormationValidatePlugin } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, it } from 'vitest';
import {
  functionName,
  functions,
  httpFunctions,
  stateMachines,
  taskFunctions,
} from '../../functions/manifest';
import { TENANT_CLAIM } from '../../functions/shared/auth/claims';
import { ROLES } from '../../functions/shared/auth/roles';
import { CURSOR_KEY_SECRET_ENV } from '../../functions/shared/db/cursor-key';
import { domainTable, eventsTable, idempotencyTable, tables } from '../../functions/shared/db/tables';
import { isPublic, routeKeyOf } from '../../functions/shared/http/operation';
import { createOrderlyApp } from '../../infra/orderly-app';
import {
  flattenedTemplate,
  roleStatements as statementsOfRole,
  validationFindings,
} from '../support/cdk-templates';

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DeletionPolicy?: string;
  DependsOn?: string | string[];
  Metadata?: Json;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Json;
};
const outdir = mkdtempSync(join(tmpdir(), 'orderly-cdk-'));
const { app, stack } = createOrderlyApp({
  outdir,
  // Keep a failing validation inspectable: the report is read below instead of a thrown error.
  context: { ...cdkJson.context, '@aws-cdk/core:failSynthOnValidationErrors': false },
});
const assembly = app.synth();
// The functions are in nested stacks (one per area): read as one template, as the stack once was.
const template = flattenedTemplate(stack);
const resources = (template.toJSON() as { Resources: Record<string, Resource> }).Resources;

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const tableLogicalIds = Object.fromEntries(
  tables.map((definition) => [logicalId(stack.tables.byId[definition.id]), definition.id]),
) as Record<string, (typeof tables)[number]['id']>;
const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const single = <T>(items: T[], what: string): T => {
  assert.equal(items.length, 1, `expected exactly one ${what}`);
  return items[0] as T;
};
const lambdaOf = (name: string) =>
  single(
    ofType('AWS::Lambda::Function').filter(([, r]) => r.Properties.FunctionName === `Orderly-${name}`),
    `Lambda function Orderly-${name}`,
  );
const getAttId = (value: unknown) => (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
const refId = (value: unknown) => (value as { Ref?: string }).Ref;
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const roleStatements = (roleId: string): Statement[] => statementsOfRole(resources, roleId);

describe('tables', () => {
  const table = (definition: typeof domainTable) =>
    resources[logicalId(stack.tables.byId[definition.id])] as Resource;

  it('builds the domain table from its definition: keys, indexes and change stream', () => {
    const { Properties: p } = table(domainTable);
    assert.deepEqual(p.KeySchema, [
      { AttributeName: domainTable.partitionKey, KeyType: 'HASH' },
      { AttributeName: domainTable.sortKey, KeyType: 'RANGE' },
    ]);
    assert.deepEqual(
      p.GlobalSecondaryIndexes,
      domainTable.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection:
          typeof index.projection === 'object'
            ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection.include] }
            : { ProjectionType: index.projection },
      })),
    );
    // The reconciler's index holds keys only: it reads each order it finds with a GetItem anyway.
    const reconcile = (p.GlobalSecondaryIndexes as { IndexName: string; Projection: Json }[]).find(
      (index) => index.IndexName === 'ordersToReconcile',
    );
    assert.deepEqual(reconcile?.Projection, { ProjectionType: 'KEYS_ONLY' });
    assert.deepEqual(p.StreamSpecification, { StreamViewType: 'NEW_AND_OLD_IMAGES' });
    assert.equal(p.BillingMode, 'PAY_PER_REQUEST');
  });

  it('keeps the domain table safe: PITR, deletion protection, KMS encryption, retained on stack deletion', () => {
    const resource = table(domainTable);
    const [replica] = resource.Properties.Replicas as Json[];
    assert.deepEqual(replica?.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
    assert.equal(replica?.DeletionProtectionEnabled, true);
    assert.deepEqual(resource.Properties.SSESpecification, { SSEEnabled: true, SSEType: 'KMS' });
    assert.equal(resource.DeletionPolicy, 'Retain');
  });

  it('expires idempotency records by the TTL attribute of their definition, with PITR, on demand', () => {
    const { Properties: p } = table(idempotencyTable);
    assert.deepEqual(p.TimeToLiveSpecification, {
      AttributeName: idempotencyTable.timeToLiveAttribute,
      Enabled: true,
    });
    assert.deepEqual(p.KeySchema, [{ AttributeName: idempotencyTable.partitionKey, KeyType: 'HASH' }]);
    assert.equal(p.BillingMode, 'PAY_PER_REQUEST');
    const [replica] = p.Replicas as Json[];
    assert.deepEqual(replica?.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
  });

  it('builds the events feed table: pk/sk, the eventsByType index, TTL on expiresAt, no stream, encrypted', () => {
    const resource = table(eventsTable);
    const { Properties: p } = resource;
    assert.deepEqual(p.KeySchema, [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    assert.deepEqual(p.GlobalSecondaryIndexes, [
      {
        IndexName: 'eventsByType',
        KeySchema: [
          { AttributeName: 'typePk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    assert.deepEqual(p.TimeToLiveSpecification, { AttributeName: 'expiresAt', Enabled: true });
    assert.equal(p.StreamSpecification, undefined);
    assert.equal(p.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(p.SSESpecification, { SSEEnabled: true, SSEType: 'KMS' });
    const [replica] = p.Replicas as Json[];
    assert.deepEqual(replica?.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
  });
});

describe('aggregates table', () => {
  it('builds the sales aggregates table: pk/sk, no index, TTL on the markers’ expiresAt, no stream, kept like the records', () => {
    const resource = resources[logicalId(stack.tables.byId.aggregates)] as Resource;
    const { Properties: p } = resource;
    assert.deepEqual(p.KeySchema, [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    assert.equal(p.GlobalSecondaryIndexes, undefined);
    assert.deepEqual(p.TimeToLiveSpecification, { AttributeName: 'expiresAt', Enabled: true });
    assert.equal(p.StreamSpecification, undefined);
    assert.equal(p.BillingMode, 'PAY_PER_REQUEST');
    const [replica] = p.Replicas as Json[];
    assert.deepEqual(replica?.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
    assert.equal(replica?.DeletionProtectionEnabled, true);
    assert.equal(resource.DeletionPolicy, 'Retain');
  });
});

describe('functions', () => {
  it('has exactly one Lambda function per manifest function, and Cognito’s token trigger', () => {
    // The pre-token-generation trigger is Cognito's, not the manifest's (test/infra/integrations-stack.test.ts).
    assert.equal(ofType('AWS::Lambda::Function').length, functions.length + 1);
    for (const spec of functions) lambdaOf(functionName(spec));
    lambdaOf('preTokenGeneration');
  });

  it('runs every function on Node.js 22 on arm64 as an ESM bundle with its manifest memory and timeout', () => {
    for (const spec of functions) {
      const [, fn] = lambdaOf(functionName(spec));
      assert.equal(fn.Properties.Runtime, 'nodejs22.x');
      assert.deepEqual(fn.Properties.Architectures, ['arm64']);
      assert.equal(fn.Properties.Handler, 'index.handler');
      assert.equal(fn.Properties.MemorySize, spec.memoryMb ?? 1024);
      assert.equal(fn.Properties.Timeout, spec.timeoutSeconds ?? 10);
    }
  });

  it('gives each function the names of exactly the tables it may use', () => {
    for (const spec of functions) {
      const [, fn] = lambdaOf(functionName(spec));
      const variables = (fn.Properties.Environment as { Variables: Json }).Variables;
      assert.equal(variables.POWERTOOLS_SERVICE_NAME, 'orderly');
      for (const definition of tables) {
        const listed = Boolean(spec.tables[definition.id]?.length);
        assert.equal(definition.envVar in variables, listed, `${functionName(spec)} ${definition.envVar}`);
        if (listed)
          assert.equal(refId(variables[definition.envVar]), logicalId(stack.tables.byId[definition.id]));
      }
    }
  });

  it('bundles the AWS SDK into each function, and Swagger UI beside the docs assets function', () => {
    // The S3 key of a function's code is its asset hash; the staged asset is `asset.<hash>`.
    const assetDir = (name: string) => {
      const key = String((lambdaOf(name)[1].Properties.Code as { S3Key: string }).S3Key);
      return join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
    };
    for (const spec of functions) {
      const code = readFileSync(join(assetDir(functionName(spec)), 'index.mjs'), 'utf8');
      assert.doesNotMatch(
        code,
        /from\s*["']@aws-sdk\//,
        `${functionName(spec)} imports the SDK from the runtime`,
      );
    }
    for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js']) {
      assert.ok(existsSync(join(assetDir('docsAsset'), 'swagger-ui', file)), file);
    }
  });
});

/**
 * What each function may do is checked against a table written from the handlers, not from the
 * manifest the stack is built from: test/infra/function-permissions.test.ts. Here: what holds for
 * every role of the stack, functions' or not, and the cursor key itself.
 */
describe('IAM: stack-wide rules', () => {
  it('grants no DynamoDB wildcard and no Scan to anyone', () => {
    const actions = [...ofType('AWS::IAM::Role'), ...ofType('AWS::IAM::Policy')].flatMap(([, r]) => {
      const documents = [
        ...(
          (r.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []
        ).map((p) => p.PolicyDocument),
        ...(r.Properties.PolicyDocument ? [r.Properties.PolicyDocument as { Statement: Statement[] }] : []),
      ];
      return documents.flatMap((d) => d.Statement.flatMap((s) => asArray(s.Action)));
    });
    assert.ok(actions.length > 0);
    for (const action of actions) {
      assert.ok(!/^dynamodb:.*\*/.test(action) && action !== '*', `wildcard action ${action}`);
      assert.notEqual(action, 'dynamodb:Scan');
    }
  });

  it('generates the cursor key (32 characters at least), and tells each function that may read it where it is', () => {
    const [secretId, secret] = single(ofType('AWS::SecretsManager::Secret'), 'secret');
    assert.equal(secretId, logicalId(stack.cursorKey.secret));
    const generated = secret.Properties.GenerateSecretString as Json;
    assert.ok(Number(generated.PasswordLength) >= 32, 'at least 32 characters');
    // Which functions may read it, and that those are the ones told of it: function-permissions.test.ts.
    const told = functions.map(functionName).filter((name) => {
      const variables = (lambdaOf(name)[1].Properties.Environment as { Variables: Json }).Variables;
      if (!(CURSOR_KEY_SECRET_ENV in variables)) return false;
      assert.equal(refId(variables[CURSOR_KEY_SECRET_ENV]), secretId, name);
      return true;
    });
    assert.ok(told.length > 0, 'some functions page with cursors');
  });
});

describe('HTTP API', () => {
  const authorizerId = single(ofType('AWS::ApiGatewayV2::Authorizer'), 'authorizer')[0];
  const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);

  it('has one route per manifest HTTP function, with its method and path, integrated with its function', () => {
    assert.equal(routes.length, httpFunctions.length);
    for (const spec of httpFunctions) {
      const route = single(
        routes.filter((r) => r.RouteKey === routeKeyOf(spec.operation)),
        `route ${routeKeyOf(spec.operation)}`,
      );
      const target = route.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      const integration = resources[target['Fn::Join'][1][1].Ref] as Resource;
      assert.equal(integration.Properties.PayloadFormatVersion, '2.0');
      assert.equal(getAttId(integration.Properties.IntegrationUri), lambdaOf(functionName(spec))[0]);
    }
  });

  it('protects every route with the Cognito JWT authorizer except the public operations', () => {
    for (const spec of httpFunctions) {
      const route = single(
        routes.filter((r) => r.RouteKey === routeKeyOf(spec.operation)),
        'route',
      );
      if (isPublic(spec.operation)) {
        assert.equal(route.AuthorizationType, 'NONE', routeKeyOf(spec.operation));
        assert.equal(route.AuthorizerId, undefined);
      } else {
        assert.equal(route.AuthorizationType, 'JWT', routeKeyOf(spec.operation));
        assert.equal(refId(route.AuthorizerId), authorizerId);
      }
    }
    const open = routes
      .filter((r) => r.AuthorizationType === 'NONE')
      .map((r) => String(r.RouteKey).split(' ')[1]);
    assert.deepEqual(
      open.sort(),
      [
        '/docs',
        '/docs/{file+}',
        '/health',
        // Issue 11: partners' and form tools' signed webhooks (Standard Webhooks signatures, no JWT).
        '/v1/inbound/fulfilment/{sourceId}',
        '/v1/inbound/needs/{sourceId}',
        '/openapi.json',
      ].sort(),
    );
  });

  it('accepts ID tokens of the user pool app client, issued by the user pool', () => {
    const [, authorizer] = single(ofType('AWS::ApiGatewayV2::Authorizer'), 'authorizer');
    const jwt = authorizer.Properties.JwtConfiguration as { Audience: unknown[]; Issuer: unknown };
    assert.equal(authorizer.Properties.AuthorizerType, 'JWT');
    assert.deepEqual(jwt.Audience.map(refId), [logicalId(stack.auth.client)]);
    assert.match(JSON.stringify(jwt.Issuer), new RegExp(logicalId(stack.auth.userPool)));
  });

  it('logs access and throttles the default stage', () => {
    const [, stage] = single(ofType('AWS::ApiGatewayV2::Stage'), 'stage');
    assert.equal(stage.Properties.StageName, '$default');
    const logs = stage.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };
    assert.ok(getAttId(logs.DestinationArn));
    assert.ok(JSON.parse(logs.Format).requestId);
    const throttle = stage.Properties.DefaultRouteSettings as Json;
    assert.ok(Number(throttle.ThrottlingRateLimit) > 0 && Number(throttle.ThrottlingBurstLimit) > 0);
  });
});

describe('Cognito', () => {
  it('has one group per role, and an immutable tenant attribute named after the tenant claim', () => {
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    assert.deepEqual(groups.sort(), [...ROLES].sort());
    const [, pool] = single(ofType('AWS::Cognito::UserPool'), 'user pool');
    const schema = pool.Properties.Schema as { Name: string; Mutable?: boolean }[];
    const tenant = schema.find((attribute) => `custom:${attribute.Name}` === TENANT_CLAIM);
    assert.equal(tenant?.Mutable, false);
    assert.deepEqual(pool.Properties.AdminCreateUserConfig, { AllowAdminCreateUserOnly: true });
    assert.deepEqual(pool.Properties.UsernameAttributes, ['email']);
    assert.equal(pool.Properties.MfaConfiguration, 'ON');
  });

  it('lets people sign in by SRP or password with a public client that can read but not write the tenant', () => {
    const [, client] = single(ofType('AWS::Cognito::UserPoolClient'), 'app client');
    assert.equal(client.Properties.GenerateSecret, false);
    assert.ok((client.Properties.ExplicitAuthFlows as string[]).includes('ALLOW_USER_SRP_AUTH'));
    assert.ok((client.Properties.ReadAttributes as string[]).includes(TENANT_CLAIM));
    assert.ok(!(client.Properties.WriteAttributes as string[]).includes(TENANT_CLAIM));
  });

  it('outputs what a user needs after deploying', () => {
    const outputs = Object.keys((template.toJSON() as { Outputs: Json }).Outputs);
    for (const name of [
      'ApiUrl',
      'UserPoolId',
      'UserPoolClientId',
      'IssuerUrl',
      'TokenUrl',
      'DomainTableName',
      'IdempotencyTableName',
      'EventsTableName',
      'EventBusName',
      'PublishEventsDeadLetterQueueUrl',
      'ProjectEventFeedDeadLetterQueueUrl',
      'StartOrderWorkflowsDeadLetterQueueUrl',
      'ReconcileOrdersDeadLetterQueueUrl',
    ]) {
      assert.ok(outputs.includes(name), name);
    }
  });
});

describe('cdk-nag AWS Solutions rules', () => {
  interface Acknowledgement {
    path: string;
    id: string;
    reason: unknown;
  }
  const acknowledgements: Acknowledgement[] = app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
      .flatMap((entry) =>
        Object.entries(entry.data as Json).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );

  it('reports no finding that is not acknowledged, at any level', () => {
    const findings = validationFindings(assembly.directory, true);
    assert.deepEqual(findings, []);
  });

  it('gives every acknowledgement a reason', () => {
    assert.ok(acknowledgements.length > 0);
    for (const ack of acknowledgements) {
      assert.equal(typeof ack.reason, 'string', `${ack.id} at ${ack.path}`);
      assert.ok(String(ack.reason).trim().length >= 40, `${ack.id} at ${ack.path} has no real reason`);
    }
  });

  it('acknowledges exactly these findings, each on the construct that raises it', () => {
    assert.deepEqual(
      acknowledgements.map((ack) => `${ack.id} @ ${ack.path}`).sort(),
      [
        'AwsSolutions-APIG4 @ Orderly/Functions/System/docsAsset/Route',
        'AwsSolutions-APIG4 @ Orderly/Functions/System/docsPage/Route',
        'AwsSolutions-APIG4 @ Orderly/Functions/System/health/Route',
        'AwsSolutions-APIG4 @ Orderly/Functions/System/openApiDocument/Route',
        'AwsSolutions-IAM5[Resource::*] @ Orderly/StateMachines/orderLifecycle/Role',
        // DescribeExecution's resource is an execution: `execution:<state machine>:*` on the reconciler.
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:Orderly-OrderLifecycle:*] @ Orderly/Functions/Workflow/reconcileOrders/Role',
        'AwsSolutions-L1 @ Orderly/Functions',
        'AwsSolutions-SMG4 @ Orderly/CursorKey/Secret',
        // Each dead-letter queue is a dead-letter queue (of an event source mapping or a schedule).
        'AwsSolutions-SQS3 @ Orderly/Functions/Aggregates/aggregateSales/Stream/DeadLetters/Queue',
        'AwsSolutions-SQS3 @ Orderly/Functions/Needs/linkNeedsToOrders/Stream/DeadLetters/Queue',
        'AwsSolutions-SQS3 @ Orderly/Functions/Events/projectEventFeed/Stream/DeadLetters/Queue',
        'AwsSolutions-SQS3 @ Orderly/Functions/Events/publishEvents/Stream/DeadLetters/Queue',
        'AwsSolutions-SQS3 @ Orderly/Functions/Workflow/reconcileOrders/Schedule/DeadLetters/Queue',
        'AwsSolutions-SQS3 @ Orderly/Functions/Workflow/startOrderWorkflows/Stream/DeadLetters/Queue',
        // Issue 10 (helper D1): the analysis runs' consumers and job.
        'AwsSolutions-SQS3 @ Orderly/Functions/Analysis/queueDueAnalysisRuns/Schedule/DeadLetters/Queue',
        'AwsSolutions-SQS3 @ Orderly/Functions/Analysis/registerAnalysisTenants/Stream/DeadLetters/Queue',
        'AwsSolutions-SQS3 @ Orderly/Functions/Analysis/startAnalysisRuns/Stream/DeadLetters/Queue',
        // Issue 11: the signed inbound routes, the webhook workers' queues, Cognito's token trigger.
        'AwsSolutions-APIG4 @ Orderly/Functions/Inbound/receiveFulfilmentReport/Route',
        'AwsSolutions-APIG4 @ Orderly/Functions/Inbound/receiveNeed/Route',
        'AwsSolutions-SQS3 @ Orderly/Functions/Webhooks/fanOutWebhooks/Stream/DeadLetters/Queue',
        'AwsSolutions-SQS3 @ Orderly/Functions/Webhooks/sweepWebhookDeliveries/Schedule/DeadLetters/Queue',
        'AwsSolutions-L1 @ Orderly/MachineClients/PreTokenGeneration/Function',
      ].sort(),
    );
  });

  it('acknowledges only findings that the rules actually raise where they are acknowledged', () => {
    // The same rules with every acknowledgement ignored: each acknowledgement must cover a finding.
    const unfiltered = new AwsSolutionsChecks();
    assert.equal(typeof Reflect.get(unfiltered, 'isAcknowledged'), 'function', 'cdk-nag internals changed');
    Object.defineProperty(unfiltered, 'isAcknowledged', { value: () => false });
    const raw = unfiltered.validateScope(app).violations;
    for (const ack of acknowledgements) {
      const covered = raw.some(
        (v) =>
          v.ruleName === ack.id &&
          v.violatingResources.some(
            (r) => r.constructPath === ack.path || r.constructPath?.startsWith(`${ack.path}/`),
          ),
      );
      assert.ok(covered, `${ack.id} is acknowledged at ${ack.path} but nothing there raises it`);
    }
  });

  it('checks the resources inside the nested stacks too, every function’s among them', () => {
    // cdk-nag walks the construct tree, nested stacks included; the runtime rule (L1, acknowledged
    // once on Orderly/Functions) is raised by every function, wherever its template is.
    const unfiltered = new AwsSolutionsChecks();
    Object.defineProperty(unfiltered, 'isAcknowledged', { value: () => false });
    const runtime = unfiltered
      .validateScope(app)
      .violations.filter((v) => v.ruleName === 'AwsSolutions-L1')
      .flatMap((v) => v.violatingResources.map((r) => r.constructPath ?? ''));
    assert.ok(stack.functions.nestedStacks.size > 1);
    for (const nested of stack.functions.nestedStacks.values()) {
      assert.ok(nested.nested, nested.node.path);
      assert.ok(
        runtime.some((path) => path.startsWith(`${nested.node.path}/`)),
        nested.node.path,
      );
    }
    for (const [name, fn] of stack.functions.byName) {
      assert.ok(runtime.includes(`${fn.node.path}/Resource`), name);
    }
  });

  it('passes CloudFormation Validate in the nested templates too (CDK gives it the top-level template only)', () => {
    const nested = [...stack.functions.nestedStacks.values()].map((n) => ({
      stackConstructPath: n.node.path,
      templatePath: join(assembly.directory, n.templateFile),
      // Environment-agnostic, like the parent.
      accountId: undefined,
      region: undefined,
    }));
    const report = new CloudFormationValidatePlugin().validate({
      templatePaths: nested.map((n) => n.templatePath),
      stackTemplates: nested,
      appConstruct: app,
    });
    const errors = report.violations
      .filter((v) => v.severity === 'error' || v.severity === 'fatal')
      .map((v) => `${v.ruleName}: ${v.description}`);
    assert.deepEqual(errors, []);
  });
});

describe('order workflow', () => {
  const [machineId, machine] = single(ofType('AWS::StepFunctions::StateMachine'), 'state machine');
  const definitionFile = JSON.parse(
    readFileSync(new URL(`../../${stateMachines[0]?.definitionFile}`, import.meta.url), 'utf8'),
  ) as Json;

  it('is deployed from the ASL file the twin runs, each placeholder bound to its task function', () => {
    assert.equal(machine.Properties.StateMachineType, 'STANDARD');
    const substitutions = machine.Properties.DefinitionSubstitutions as Record<string, unknown>;
    for (const task of taskFunctions) {
      assert.equal(getAttId(substitutions[task.definitionSubstitution]), lambdaOf(task.name)[0], task.name);
    }
    assert.equal(Object.keys(substitutions).length, taskFunctions.length);
    // The body CloudFormation receives is the file itself: placeholders intact, nothing rewritten.
    const body = machine.Properties.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
    const text = typeof body === 'string' ? body : body['Fn::Join'][1].join('');
    assert.deepEqual(JSON.parse(text), definitionFile);
  });

  it('logs every transition without execution data, and traces', () => {
    const logging = machine.Properties.LoggingConfiguration as Json;
    assert.equal(logging.Level, 'ALL');
    assert.equal(logging.IncludeExecutionData, false);
    assert.deepEqual(machine.Properties.TracingConfiguration, { Enabled: true });
  });

  it('may invoke its task functions and no other function', () => {
    const roleId = getAttId(machine.Properties.RoleArn) as string;
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => asArray(p.Properties.Roles as unknown[]).some((r) => refId(r) === roleId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    const invoked = statements
      .filter((s) => asArray(s.Action).includes('lambda:InvokeFunction'))
      .flatMap((s) => asArray(s.Resource).map(getAttId));
    assert.deepEqual(invoked.sort(), taskFunctions.map((task) => lambdaOf(task.name)[0]).sort());
    assert.ok(machineId);
  });
  // Which functions may start executions or answer task tokens, on this machine only:
  // test/infra/function-permissions.test.ts.
});

/**
 * The event spine, checked against expectations written out here rather than derived from the
 * manifest: a change to a consumer's filters or retries must change this table too (its grants:
 * test/infra/expected-permissions.ts).
 */
describe('event spine', () => {
  const logicalIdsOf = (type: string, key: (r: Resource) => string | undefined) =>
    Object.fromEntries(
      ofType(type).flatMap(([id, r]) => {
        const name = key(r);
        return name ? [[id, name]] : [];
      }),
    ) as Record<string, string>;
  const functionIds = logicalIdsOf('AWS::Lambda::Function', (r) =>
    String(r.Properties.FunctionName).replace(/^Orderly-/, ''),
  );
  const logGroupIds = logicalIdsOf(
    'AWS::Logs::LogGroup',
    (r) => String(r.Properties.LogGroupName).match(/^\/aws\/lambda\/Orderly-(.+)$/)?.[1],
  );
  const queueIds = logicalIdsOf(
    'AWS::SQS::Queue',
    (r) => String(r.Properties.QueueName).match(/^Orderly-(.+)-dead-letters$/)?.[1],
  );
  const [busId, bus] = single(ofType('AWS::Events::EventBus'), 'event bus');
  const [secretId] = single(ofType('AWS::SecretsManager::Secret'), 'secret');
  const [secretsKeyId] = single(ofType('AWS::KMS::Key'), 'KMS key');

  /** A resource of a statement in words; `own` marks the function's own log group and dead-letter queue. */
  const resourceName = (resource: unknown, owner: string): string => {
    const [id, attribute] = (resource as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'] ?? [];
    const mine = (of: string | undefined) => (of === owner ? 'own' : of);
    if (id && tableLogicalIds[id])
      return `${attribute === 'StreamArn' ? 'stream' : 'table'}:${tableLogicalIds[id]}`;
    if (id === busId) return 'bus';
    if (id && queueIds[id]) return `deadLetters:${mine(queueIds[id])}`;
    if (id && logGroupIds[id]) return `logs:${mine(logGroupIds[id])}`;
    if (id && functionIds[id]) return `function:${functionIds[id]}`;
    if (refId(resource) === secretId) return 'cursorKey';
    if (id === secretsKeyId) return 'secretsKey';
    const text = JSON.stringify(resource);
    const index = text.match(/"Fn::GetAtt":\["(\w+)","Arn"\]\},"\/index\/(\w+)"/);
    if (index?.[1] && tableLogicalIds[index[1]]) return `index:${tableLogicalIds[index[1]]}/${index[2]}`;
    if (/:stateMachine:Orderly-OrderLifecycle"\]\]\}$/.test(text)) return 'stateMachine:orderLifecycle';
    if (/:execution:Orderly-OrderLifecycle:\*"\]\]\}$/.test(text)) return 'executions:orderLifecycle';
    return `unrecognised:${text}`;
  };
  /** Everything a role allows, as "action resource" lines. */
  const permissions = (statements: Statement[], owner: string): string[] => {
    for (const statement of statements) {
      assert.equal(statement.Effect, 'Allow', owner);
      // The secrets key is used with an Orderly encryption context only (integrations-stack.test.ts).
      if (!asArray(statement.Action).some((action) => action.startsWith('kms:')))
        assert.equal(statement.Condition, undefined, owner);
    }
    const lines = statements.flatMap((s) =>
      asArray(s.Action).flatMap((action) =>
        asArray(s.Resource).map((resource) => `${action} ${resourceName(resource, owner)}`),
      ),
    );
    return [...new Set(lines)].sort();
  };
  // Each function's grants, all of them: test/infra/function-permissions.test.ts.

  it('tells each new function where its things are, and nothing more', () => {
    const EXPECTED_ENVIRONMENT: Record<string, Record<string, string>> = {
      aggregateSales: {
        DOMAIN_TABLE_NAME: logicalId(stack.tables.byId.domain),
        AGGREGATES_TABLE_NAME: logicalId(stack.tables.byId.aggregates),
      },
      publishEvents: { EVENT_BUS_NAME: busId },
      projectEventFeed: { EVENTS_TABLE_NAME: logicalId(stack.tables.byId.events) },
      startOrderWorkflows: { ORDER_LIFECYCLE_STATE_MACHINE_ARN: 'stateMachine:orderLifecycle' },
      reconcileOrders: {
        DOMAIN_TABLE_NAME: logicalId(stack.tables.byId.domain),
        ORDER_LIFECYCLE_STATE_MACHINE_ARN: 'stateMachine:orderLifecycle',
      },
    };
    for (const [name, expected] of Object.entries(EXPECTED_ENVIRONMENT)) {
      const variables = (lambdaOf(name)[1].Properties.Environment as { Variables: Json }).Variables;
      const own = Object.fromEntries(
        Object.entries(variables)
          .filter(([key]) => !key.startsWith('POWERTOOLS_'))
          .map(([key, value]) => [key, refId(value) ?? resourceName(value, name)]),
      );
      assert.deepEqual(own, expected, name);
    }
    const withBus = functions.map(functionName).filter((name) => {
      const variables = (lambdaOf(name)[1].Properties.Environment as { Variables: Json }).Variables;
      return 'EVENT_BUS_NAME' in variables;
    });
    assert.deepEqual(withBus, [
      'publishEvents',
      'fanOutWebhooks',
      'sweepWebhookDeliveries',
      'redeliverWebhook',
    ]);
  });

  it('has one custom event bus with no resource policy, and outputs its name', () => {
    assert.equal(bus.Properties.Name, 'Orderly-domain-events');
    assert.deepEqual(ofType('AWS::Events::EventBusPolicy'), []);
    assert.equal(bus.Properties.Policy, undefined);
    const outputs = (template.toJSON() as { Outputs: Record<string, { Value: unknown }> }).Outputs;
    assert.equal(refId(outputs.EventBusName?.Value), busId);
  });

  describe('stream consumers', () => {
    // Imported history (POST /v1/orders/history) is no news: its timeline items carry `imported`.
    const NOT_IMPORTED = { imported: { BOOL: [{ exists: false }] } };
    const TIMELINE_EVENT_INSERT = {
      eventName: ['INSERT'],
      dynamodb: { NewImage: { entity: { S: ['ORDER_EVENT'] }, ...NOT_IMPORTED } },
    };
    const EXPECTED_FILTERS: Record<string, Json[]> = {
      startOrderWorkflows: [
        {
          eventName: ['INSERT'],
          dynamodb: {
            NewImage: { entity: { S: ['ORDER_EVENT'] }, type: { S: ['ORDER_SUBMITTED'] }, ...NOT_IMPORTED },
          },
        },
      ],
      publishEvents: [TIMELINE_EVENT_INSERT],
      projectEventFeed: [TIMELINE_EVENT_INSERT],
      // Every change of a need or an order, created, changed or deleted (a REMOVE has only an OldImage).
      aggregateSales: [
        { dynamodb: { NewImage: { entity: { S: ['NEED', 'ORDER'] } } } },
        { dynamodb: { OldImage: { entity: { S: ['NEED', 'ORDER'] } } } },
      ],
      // The order events that can move a need, imported orders' included.
      linkNeedsToOrders: [
        {
          eventName: ['INSERT'],
          dynamodb: {
            NewImage: {
              entity: { S: ['ORDER_EVENT'] },
              type: { S: ['ORDER_SUBMITTED', 'ORDER_CLOSED', 'FEEDBACK_RECEIVED'] },
            },
          },
        },
      ],
      // Issue 10 (helper D1): a queued analysis run; a tenant's first needs and orders.
      startAnalysisRuns: [
        {
          eventName: ['INSERT'],
          dynamodb: { NewImage: { entity: { S: ['ANALYSIS_RUN'] }, status: { S: ['QUEUED'] } } },
        },
      ],
      registerAnalysisTenants: [
        { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['NEED', 'ORDER'] } } } },
      ],
      // Issue 11 (helper B): every domain event may be a webhook delivery.
      fanOutWebhooks: [TIMELINE_EVENT_INSERT],
    };
    /** Consumers whose batching and retries are not the defaults. */
    const EXPECTED_SETTINGS: Record<string, Json> = {
      // One run per invocation (15 minutes each at most), one retry: a run is not worth three.
      startAnalysisRuns: { BatchSize: 1, MaximumRetryAttempts: 1 },
    };
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
    const mappingOf = (name: string) =>
      single(
        mappings.filter((m) => refId(m.FunctionName) === lambdaOf(name)[0]),
        `event source mapping of ${name}`,
      );

    it('maps the domain table’s stream to exactly the consumers written here', () => {
      assert.equal(mappings.length, Object.keys(EXPECTED_FILTERS).length);
      for (const name of Object.keys(EXPECTED_FILTERS)) {
        const mapping = mappingOf(name);
        assert.deepEqual(mapping.EventSourceArn, {
          'Fn::GetAtt': [logicalId(stack.tables.byId.domain), 'StreamArn'],
        });
      }
    });

    it('filters records with the patterns Lambda takes (JSON strings), per consumer', () => {
      for (const [name, expected] of Object.entries(EXPECTED_FILTERS)) {
        const criteria = mappingOf(name).FilterCriteria as { Filters: { Pattern: string }[] };
        assert.deepEqual(
          criteria.Filters.map((filter) => JSON.parse(filter.Pattern)),
          expected,
          name,
        );
      }
    });

    it('batches, retries, bisects, ages out and reports item failures, then parks failures in the consumer’s queue', () => {
      for (const name of Object.keys(EXPECTED_FILTERS)) {
        const {
          FilterCriteria: _,
          FunctionName: __,
          EventSourceArn: ___,
          DestinationConfig,
          ...settings
        } = mappingOf(name);
        assert.deepEqual(
          settings,
          {
            StartingPosition: 'TRIM_HORIZON',
            BatchSize: 25,
            MaximumBatchingWindowInSeconds: 1,
            MaximumRetryAttempts: 3,
            BisectBatchOnFunctionError: true,
            MaximumRecordAgeInSeconds: 86400,
            FunctionResponseTypes: ['ReportBatchItemFailures'],
            ...EXPECTED_SETTINGS[name],
          },
          name,
        );
        const { OnFailure } = DestinationConfig as { OnFailure: { Destination: unknown } };
        assert.equal(resourceName(OnFailure.Destination, name), 'deadLetters:own', name);
      }
    });
  });

  describe('scheduled jobs', () => {
    type Target = {
      Arn: unknown;
      RoleArn: unknown;
      Input: string;
      RetryPolicy: Json;
      DeadLetterConfig: { Arn: unknown };
    };
    const schedules = ofType('AWS::Scheduler::Schedule');
    const scheduleOf = (name: string) =>
      single(
        schedules.filter(([, s]) => s.Properties.Name === `Orderly-${name}`),
        `schedule of ${name}`,
      );
    const [scheduleId, schedule] = scheduleOf('reconcileOrders');
    const target = schedule.Properties.Target as Target;
    const [groupId, group] = single(ofType('AWS::Scheduler::ScheduleGroup'), 'schedule group');

    it('has one schedule per scheduled job of the manifest', () => {
      assert.deepEqual(schedules.map(([, s]) => s.Properties.Name).sort(), [
        'Orderly-queueDueAnalysisRuns',
        'Orderly-reconcileOrders',
        'Orderly-sweepWebhookDeliveries',
      ]);
    });

    // Issue 10 (helper D1): the scheduled analysis looks for due tenants every 15 minutes.
    it('runs queueDueAnalysisRuns every 15 minutes (UTC) in the same group, invoking only its job', () => {
      const [, due] = scheduleOf('queueDueAnalysisRuns');
      const dueTarget = due.Properties.Target as Target;
      assert.equal(due.Properties.ScheduleExpression, 'rate(15 minutes)');
      assert.equal(due.Properties.ScheduleExpressionTimezone, 'UTC');
      assert.equal(due.Properties.GroupName, 'Orderly');
      assert.equal(getAttId(dueTarget.Arn), lambdaOf('queueDueAnalysisRuns')[0]);
      assert.deepEqual(
        permissions(roleStatements(getAttId(dueTarget.RoleArn) as string), 'queueDueAnalysisRuns'),
        ['lambda:InvokeFunction function:queueDueAnalysisRuns', 'sqs:SendMessage deadLetters:own'],
      );
    });

    it('runs reconcileOrders every five minutes (UTC) in Orderly’s group, on time, with its payload', () => {
      assert.equal(schedule.Properties.Name, 'Orderly-reconcileOrders');
      assert.equal(schedule.Properties.ScheduleExpression, 'rate(5 minutes)');
      assert.equal(schedule.Properties.ScheduleExpressionTimezone, 'UTC');
      assert.deepEqual(schedule.Properties.FlexibleTimeWindow, { Mode: 'OFF' });
      assert.equal(schedule.Properties.State, 'ENABLED');
      assert.equal(group.Properties.Name, 'Orderly');
      assert.equal(schedule.Properties.GroupName, 'Orderly');
      assert.ok(asArray(schedule.DependsOn).includes(groupId), 'the group exists before its schedule');
      assert.equal(getAttId(target.Arn), lambdaOf('reconcileOrders')[0]);
      assert.deepEqual(JSON.parse(target.Input), {});
      assert.ok(scheduleId);
    });

    it('retries a failed hand-over three times within the hour, then parks it in the job’s queue', () => {
      assert.deepEqual(target.RetryPolicy, { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
      assert.equal(resourceName(target.DeadLetterConfig.Arn, 'reconcileOrders'), 'deadLetters:own');
    });

    it('retries a failed run twice within the hour (Scheduler invokes asynchronously), then parks it in the same queue', () => {
      const [, config] = single(
        ofType('AWS::Lambda::EventInvokeConfig').filter(
          ([, c]) => refId(c.Properties.FunctionName) === lambdaOf('reconcileOrders')[0],
        ),
        'asynchronous invocation config',
      );
      assert.equal(refId(config.Properties.FunctionName), lambdaOf('reconcileOrders')[0]);
      assert.equal(config.Properties.MaximumRetryAttempts, 2);
      assert.equal(config.Properties.MaximumEventAgeInSeconds, 3600);
      const destination = (config.Properties.DestinationConfig as { OnFailure: { Destination: unknown } })
        .OnFailure.Destination;
      assert.equal(resourceName(destination, 'reconcileOrders'), 'deadLetters:own');
    });

    it('uses a role that only Scheduler, for Orderly’s group in this account, may assume, and that may invoke only this job', () => {
      const roleId = getAttId(target.RoleArn) as string;
      const role = resources[roleId] as Resource;
      const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: Json[] }).Statement;
      assert.deepEqual(trust, [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              'aws:SourceArn': { 'Fn::GetAtt': [groupId, 'Arn'] },
            },
          },
        },
      ]);
      assert.equal(role.Properties.ManagedPolicyArns, undefined);
      assert.deepEqual(permissions(roleStatements(roleId), 'reconcileOrders'), [
        'lambda:InvokeFunction function:reconcileOrders',
        'sqs:SendMessage deadLetters:own',
      ]);
      // No other role of the stack trusts Scheduler: one per schedule, each the role of its schedule.
      const schedulerRoles = ofType('AWS::IAM::Role').filter(([, r]) =>
        JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
      );
      assert.deepEqual(
        schedulerRoles.map(([id]) => id).sort(),
        schedules.map(([, s]) => getAttId((s.Properties.Target as Target).RoleArn)).sort(),
      );
      assert.ok(schedulerRoles.some(([id]) => id === roleId));
    });
  });

  describe('dead-letter queues', () => {
    const queues = ofType('AWS::SQS::Queue');

    it('are one per stream consumer and scheduled job', () => {
      assert.deepEqual(queues.map(([id]) => queueIds[id]).sort(), [
        'aggregateSales',
        'fanOutWebhooks',
        'linkNeedsToOrders',
        'projectEventFeed',
        'publishEvents',
        'queueDueAnalysisRuns',
        'reconcileOrders',
        'registerAnalysisTenants',
        'startAnalysisRuns',
        'startOrderWorkflows',
        'sweepWebhookDeliveries',
      ]);
    });

    it('are encrypted at rest, keep messages 14 days, and refuse requests without TLS', () => {
      const policies = ofType('AWS::SQS::QueuePolicy').map(([, p]) => p.Properties);
      for (const [id, queue] of queues) {
        assert.equal(queue.Properties.SqsManagedSseEnabled, true, id);
        assert.equal(queue.Properties.MessageRetentionPeriod, 14 * 24 * 3600, id);
        const policy = single(
          policies.filter((p) => asArray(p.Queues as unknown[]).some((q) => refId(q) === id)),
          `policy of ${id}`,
        );
        assert.deepEqual((policy.PolicyDocument as { Statement: Json[] }).Statement, [
          {
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Resource: { 'Fn::GetAtt': [id, 'Arn'] },
          },
        ]);
      }
    });
  });
});
