/**
 * The synthesized Orderly stack, checked against the manifest and the table definitions it is
 * built from, and against cdk-nag's AWS Solutions rules. The app is synthesized once (bundling
 * every function with esbuild), with the context of cdk.json, exactly as `cdk synth` builds it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, it } from 'vitest';
import {
  type DynamoAction,
  functionName,
  functions,
  httpFunctions,
  stateMachines,
  taskFunctions,
} from '../../functions/manifest';
import { TENANT_CLAIM } from '../../functions/shared/auth/claims';
import { ROLES } from '../../functions/shared/auth/roles';
import { CURSOR_KEY_SECRET_ENV } from '../../functions/shared/db/cursor-key';
import { domainTable, idempotencyTable, tables } from '../../functions/shared/db/tables';
import { isPublic, routeKeyOf } from '../../functions/shared/http/operation';
import { createOrderlyApp } from '../../infra/orderly-app';

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DeletionPolicy?: string;
  Metadata?: Json;
}
interface Statement {
  Action: string | string[];
  Resource: unknown;
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
const template = Template.fromStack(stack);
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
        Projection: { ProjectionType: 'ALL' },
      })),
    );
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
});

describe('functions', () => {
  it('has exactly one Lambda function per manifest function', () => {
    assert.equal(ofType('AWS::Lambda::Function').length, functions.length);
    for (const spec of functions) lambdaOf(functionName(spec));
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

describe('IAM: least privilege from the manifest', () => {
  const statementsOf = (name: string): Statement[] => {
    const roleId = getAttId(lambdaOf(name)[1].Properties.Role);
    assert.ok(roleId, `${name} has a role`);
    const role = resources[roleId] as Resource;
    const inline =
      (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? [];
    const attached = ofType('AWS::IAM::Policy')
      .map(([, policy]) => policy.Properties)
      .filter((p) => asArray(p.Roles as unknown[]).some((r) => refId(r) === roleId));
    assert.ok(
      !role.Properties.ManagedPolicyArns,
      `${name} has managed policies: their permissions are not derived from the manifest`,
    );
    return [
      ...inline.flatMap((p) => p.PolicyDocument.Statement),
      ...attached.flatMap((p) => (p.PolicyDocument as { Statement: Statement[] }).Statement),
    ];
  };

  /** The table a resource ARN belongs to, and whether it is an index ARN of it. */
  const tableOf = (arn: unknown): { table: string; index?: string } => {
    const direct = getAttId(arn);
    if (direct) return { table: tableLogicalIds[direct] ?? direct };
    const [, parts] = (arn as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    const [base, suffix] = parts as [unknown, string];
    const id = getAttId(base) ?? '?';
    return { table: tableLogicalIds[id] ?? id, index: suffix.replace(/^\/index\//, '') };
  };

  it('allows each function exactly the DynamoDB actions the manifest lists, per table', () => {
    for (const spec of functions) {
      const name = functionName(spec);
      const granted = new Map<string, Set<string>>();
      const indexes = new Map<string, Set<string>>();
      for (const statement of statementsOf(name)) {
        const actions = asArray(statement.Action).filter((a) => a.startsWith('dynamodb:'));
        if (!actions.length) continue;
        for (const resource of asArray(statement.Resource)) {
          const { table, index } = tableOf(resource);
          if (index !== undefined) {
            indexes.set(table, (indexes.get(table) ?? new Set()).add(index));
            continue;
          }
          const set = granted.get(table) ?? new Set<string>();
          for (const action of actions) set.add(action);
          granted.set(table, set);
        }
      }
      for (const definition of tables) {
        const listed: readonly DynamoAction[] = spec.tables[definition.id] ?? [];
        assert.deepEqual(
          [...(granted.get(definition.id) ?? [])].sort(),
          listed.map((action) => `dynamodb:${action}`).sort(),
          `${name} on the ${definition.id} table`,
        );
        const expectedIndexes = listed.includes('Query') ? definition.indexes.map((index) => index.name) : [];
        assert.deepEqual(
          [...(indexes.get(definition.id) ?? [])].sort(),
          expectedIndexes.sort(),
          `${name} indexes`,
        );
      }
      assert.deepEqual(
        [...granted.keys()].filter((table) => !tables.some((d) => d.id === table)),
        [],
        `${name} may use DynamoDB resources that are not Orderly tables`,
      );
    }
  });

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

  it('lets exactly the functions that read or write cursors read the cursor key secret, and find it', () => {
    const [secretId, secret] = single(ofType('AWS::SecretsManager::Secret'), 'secret');
    assert.equal(secretId, logicalId(stack.cursorKey.secret));
    const generated = secret.Properties.GenerateSecretString as Json;
    assert.ok(Number(generated.PasswordLength) >= 32, 'at least 32 characters');
    const readers = functions.filter((spec) => spec.cursors).map(functionName);
    assert.deepEqual(readers.sort(), [
      'getOrderTimeline',
      'listApprovals',
      'listAudit',
      'listCustomers',
      'listOrders',
      'listProducts',
    ]);
    for (const spec of functions) {
      const name = functionName(spec);
      const statements = statementsOf(name).filter((s) =>
        asArray(s.Action).some((a) => a.startsWith('secretsmanager:')),
      );
      const variables = (lambdaOf(name)[1].Properties.Environment as { Variables: Json }).Variables;
      if (!spec.cursors) {
        assert.deepEqual(statements, [], `${name} may read secrets`);
        assert.equal(variables[CURSOR_KEY_SECRET_ENV], undefined, name);
        continue;
      }
      assert.equal(statements.length, 1, name);
      assert.deepEqual(asArray(statements[0]?.Action), ['secretsmanager:GetSecretValue'], name);
      assert.deepEqual(asArray(statements[0]?.Resource).map(refId), [secretId], name);
      assert.equal(refId(variables[CURSOR_KEY_SECRET_ENV]), secretId, name);
    }
  });

  it('gives functions that list no table no DynamoDB permission at all', () => {
    const tableless = functions.filter((spec) =>
      Object.values(spec.tables).every((actions) => !actions?.length),
    );
    assert.ok(tableless.length > 0);
    for (const spec of tableless) {
      const dynamo = statementsOf(functionName(spec)).flatMap((s) =>
        asArray(s.Action).filter((a) => a.startsWith('dynamodb:')),
      );
      assert.deepEqual(dynamo, [], functionName(spec));
    }
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
    assert.deepEqual(open.sort(), ['/docs', '/docs/{file+}', '/health', '/openapi.json']);
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
      'DomainTableName',
      'IdempotencyTableName',
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
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        pluginName: string;
        violations: {
          ruleName: string;
          severity: string;
          violatingConstructs: { constructPath: string }[];
        }[];
      }[];
    };
    const findings = report.pluginReports.flatMap((plugin) =>
      plugin.violations
        .filter(
          (v) => plugin.pluginName === 'AwsSolutions' || v.severity === 'error' || v.severity === 'fatal',
        )
        .map(
          (v) =>
            `${plugin.pluginName} ${v.severity} ${v.ruleName}: ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
        ),
    );
    assert.deepEqual(findings, []);
  });

  it('gives every acknowledgement a reason', () => {
    assert.ok(acknowledgements.length > 0);
    for (const ack of acknowledgements) {
      assert.equal(typeof ack.reason, 'string', `${ack.id} at ${ack.path}`);
      assert.ok(String(ack.reason).trim().length >= 40, `${ack.id} at ${ack.path} has no real reason`);
    }
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

  it('lets exactly the functions the manifest names start executions or answer task tokens, on this machine only', () => {
    for (const spec of functions) {
      const name = functionName(spec);
      const roleId = getAttId(lambdaOf(name)[1].Properties.Role) as string;
      const role = resources[roleId] as Resource;
      const statements = (
        (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []
      ).flatMap((p) => p.PolicyDocument.Statement);
      const states = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('states:')));
      const granted = states.flatMap((s) => asArray(s.Action)).sort();
      const listed = (spec.workflow?.orderLifecycle ?? []).map((a) => `states:${a}`).sort();
      assert.deepEqual(granted, listed, name);
      for (const statement of states) {
        assert.match(JSON.stringify(statement.Resource), /stateMachine:Orderly-OrderLifecycle"/, name);
      }
    }
    const starters = functions.filter((f) => f.workflow?.orderLifecycle?.includes('StartExecution'));
    assert.deepEqual(starters.map(functionName), ['createOrder'], 'only order creation starts executions');
  });
});
