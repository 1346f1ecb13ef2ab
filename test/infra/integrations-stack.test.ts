/**
 * Issue 11 in the stack: the key that seals stored secrets and who may use it, machine clients
 * (resource server and scopes, token domain, app clients from the context, their registry items,
 * the pre-token-generation trigger, the authorizer's audience), the webhook routes and jobs, and
 * cdk-nag on all of it.
 *
 * The app is synthesized with machine clients in its context, as `cdk deploy -c` passes them (JSON
 * text). Bundling is skipped: test/infra/stack.test.ts checks the bundles; here only the template
 * counts. CDK's resource-count check is on (500 per template, CloudFormation's limit), and each
 * template — the parent's and every nested stack's — must stay under 400, room for the manifest to grow.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, it } from 'vitest';
import { machineClientKey } from '../../functions/clients/store';
import { functionName, functions, httpFunctions } from '../../functions/manifest';
import { MACHINE_SCOPES } from '../../functions/shared/auth/machine-scope-list';
import { isPublic, routeKeyOf } from '../../functions/shared/http/operation';
import { SECRETS_KMS_KEY_ENV } from '../../functions/shared/secrets/sealed-secret';
import { AUTH_DOMAIN_PREFIX_CONTEXT, MACHINE_CLIENTS_CONTEXT } from '../../infra/machine-client-config';
import { createOrderlyApp } from '../../infra/orderly-app';
import { SEAL_CONTEXT_KEYS } from '../../infra/secrets-key';
import {
  flattenedTemplate,
  roleStatements as statementsOfRole,
  templateSizes,
  validationFindings,
} from '../support/cdk-templates';

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string | string[];
}
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

const CLIENTS = [
  { name: 'erp', tenantId: 'acme', scopes: ['orders:write', 'webhooks:read'] },
  { name: 'warehouse', tenantId: 'acme', scopes: ['fulfilment'], partnerId: 'in-house' },
  { name: 'survey-tool', tenantId: 'globex', scopes: ['needs:write'] },
];

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Json;
};
const outdir = mkdtempSync(join(tmpdir(), 'orderly-cdk-integrations-'));
const { app, stack } = createOrderlyApp({
  outdir,
  context: {
    ...cdkJson.context,
    '@aws-cdk/core:failSynthOnValidationErrors': false,
    'aws:cdk:bundling-stacks': [],
    [MACHINE_CLIENTS_CONTEXT]: JSON.stringify(CLIENTS),
    [AUTH_DOMAIN_PREFIX_CONTEXT]: 'orderly-acme-test',
  },
});
const assembly = app.synth();
// The functions are in nested stacks (one per area): read as one template.
const template = flattenedTemplate(stack);
const resources = (template.toJSON() as { Resources: Record<string, Resource> }).Resources;
const outputs = (template.toJSON() as { Outputs: Record<string, { Value: unknown }> }).Outputs;

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const single = <T>(items: T[], what: string): T => {
  assert.equal(items.length, 1, `expected exactly one ${what}`);
  return items[0] as T;
};
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const getAttId = (value: unknown) => (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
const refId = (value: unknown) => (value as { Ref?: string }).Ref;
const lambdaOf = (name: string) =>
  single(
    ofType('AWS::Lambda::Function').filter(([, r]) => r.Properties.FunctionName === `Orderly-${name}`),
    `Lambda function Orderly-${name}`,
  );
const roleStatements = (roleId: string): Statement[] => statementsOfRole(resources, roleId);
const roleOf = (fn: Resource) => getAttId(fn.Properties.Role) as string;
/** A CloudFormation string with its tokens written as `<Ref:X>` / `<X.Attr>`, for reading JSON built from tokens. */
const flatten = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(flatten).join(join[0]);
  if (refId(value)) return `<Ref:${refId(value)}>`;
  const att = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (att) return `<${att[0]}.${att[1]}>`;
  return `<${JSON.stringify(value)}>`;
};

const domainTableId = logicalId(stack.tables.byId.domain);
const domainTableArn = { 'Fn::GetAtt': [domainTableId, 'Arn'] };
const [keyId, key] = single(ofType('AWS::KMS::Key'), 'KMS key');
const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };
const kmsStatements = (statements: Statement[]) =>
  statements.filter((s) => asArray(s.Action).some((action) => action.startsWith('kms:')));

describe('the key that seals stored secrets', () => {
  it('is a rotating KMS key with an alias, kept when the stack goes', () => {
    assert.equal(key.Properties.EnableKeyRotation, true);
    assert.equal(key.DeletionPolicy, 'Retain');
    assert.equal(key.UpdateReplacePolicy, 'Retain');
    const [, alias] = single(ofType('AWS::KMS::Alias'), 'KMS alias');
    assert.equal(alias.Properties.AliasName, 'alias/Orderly/sealed-secrets');
    assert.deepEqual(alias.Properties.TargetKeyId, keyArn);
  });

  it('leaves its use to IAM: the key policy names the account and nobody else', () => {
    const statements = (key.Properties.KeyPolicy as { Statement: (Statement & { Principal: unknown })[] })
      .Statement;
    assert.equal(statements.length, 1);
    assert.match(JSON.stringify(statements[0]?.Principal), /:root"\]\]\}\}$/);
  });

  it('lets exactly the functions the manifest marks seal Encrypt, and open Decrypt, with an Orderly context only', () => {
    const sealers = functions.filter((spec) => spec.secrets?.includes('seal')).map(functionName);
    const openers = functions.filter((spec) => spec.secrets?.includes('open')).map(functionName);
    assert.ok(sealers.length > 0 && openers.length > 0, 'the manifest seals and opens secrets somewhere');
    for (const spec of functions) {
      const name = functionName(spec);
      const [, fn] = lambdaOf(name);
      const statements = kmsStatements(roleStatements(roleOf(fn)));
      const variables = (fn.Properties.Environment as { Variables: Json }).Variables;
      const expected = [
        ...(sealers.includes(name) ? ['kms:Encrypt'] : []),
        ...(openers.includes(name) ? ['kms:Decrypt'] : []),
      ];
      assert.deepEqual(statements.flatMap((s) => asArray(s.Action)).sort(), expected.sort(), name);
      for (const statement of statements) {
        assert.equal(statement.Effect, 'Allow', name);
        assert.deepEqual(statement.Resource, keyArn, name);
        assert.deepEqual(
          statement.Condition,
          {
            'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...SEAL_CONTEXT_KEYS] },
            Null: { 'kms:EncryptionContextKeys': 'false' },
          },
          name,
        );
      }
      if (expected.length) assert.deepEqual(variables[SECRETS_KMS_KEY_ENV], keyArn, name);
      else assert.equal(variables[SECRETS_KMS_KEY_ENV], undefined, name);
    }
  });

  it('binds the context to the keys sealed secrets use, and to nothing wider', () => {
    assert.deepEqual([...SEAL_CONTEXT_KEYS].sort(), ['endpointId', 'sourceId', 'tenantId']);
  });

  it('is used by no role other than those functions’', () => {
    const manifestRoles = new Set(functions.map((spec) => roleOf(lambdaOf(functionName(spec))[1])));
    for (const [id] of ofType('AWS::IAM::Role')) {
      if (manifestRoles.has(id)) continue;
      assert.deepEqual(kmsStatements(roleStatements(id)), [], id);
    }
  });
});

describe('machine clients', () => {
  const poolId = logicalId(stack.auth.userPool);
  const serverId = logicalId(stack.machineClients.resourceServer);
  const machineClients = ofType('AWS::Cognito::UserPoolClient').filter(([, c]) =>
    String(c.Properties.ClientName).startsWith('orderly-machine-'),
  );
  const clientNamed = (name: string) =>
    single(
      machineClients.filter(([, c]) => c.Properties.ClientName === `orderly-machine-${name}`),
      `app client ${name}`,
    );

  it('has the resource server `orderly` with one scope per machine scope', () => {
    const [, server] = single(ofType('AWS::Cognito::UserPoolResourceServer'), 'resource server');
    assert.equal(server.Properties.Identifier, 'orderly');
    assert.equal(refId(server.Properties.UserPoolId), poolId);
    assert.deepEqual(
      server.Properties.Scopes,
      MACHINE_SCOPES.map((s) => ({ ScopeName: s.name, ScopeDescription: s.description })),
    );
  });

  it('serves tokens from a Cognito domain with the prefix of the context, and outputs the token URL', () => {
    const [, domain] = single(ofType('AWS::Cognito::UserPoolDomain'), 'user pool domain');
    assert.equal(domain.Properties.Domain, 'orderly-acme-test');
    assert.equal(refId(domain.Properties.UserPoolId), poolId);
    assert.match(
      flatten(outputs.TokenUrl?.Value),
      /^https:\/\/<Ref:\w+>\.auth\.<Ref:AWS::Region>\.amazoncognito\.com\/oauth2\/token$/,
    );
  });

  it('makes one confidential client-credentials app client per configured client, with its scopes only', () => {
    assert.equal(machineClients.length, CLIENTS.length);
    for (const config of CLIENTS) {
      const [, client] = clientNamed(config.name);
      const p = client.Properties;
      assert.equal(refId(p.UserPoolId), poolId);
      assert.equal(p.GenerateSecret, true);
      assert.deepEqual(p.AllowedOAuthFlows, ['client_credentials']);
      assert.equal(p.AllowedOAuthFlowsUserPoolClient, true);
      assert.deepEqual(
        asArray(p.AllowedOAuthScopes as unknown[]).map(flatten),
        config.scopes.map((scope) => `<Ref:${serverId}>/${scope}`),
      );
      // No person can sign in through it: no SRP, password or custom flow.
      assert.deepEqual(p.ExplicitAuthFlows, ['ALLOW_REFRESH_TOKEN_AUTH']);
      assert.deepEqual(p.SupportedIdentityProviders, ['COGNITO']);
      assert.equal(p.CallbackURLs, undefined);
      assert.equal(p.AccessTokenValidity, 60);
      assert.equal((p.TokenValidityUnits as Json).AccessToken, 'minutes');
      assert.ok(asArray(client.DependsOn).includes(serverId), 'its scopes exist first');
    }
  });

  it('keeps the people’s app client as it was: public, no OAuth', () => {
    const [, people] = single(
      ofType('AWS::Cognito::UserPoolClient').filter(([, c]) => c.Properties.ClientName === 'orderly-people'),
      'people client',
    );
    assert.equal(people.Properties.GenerateSecret, false);
    assert.equal(people.Properties.AllowedOAuthFlowsUserPoolClient, false);
  });

  it('registers each client’s tenant, scopes and partner in its registry item, and deletes it with the client', () => {
    const registrations = ofType('Custom::OrderlyMachineClient');
    assert.equal(registrations.length, CLIENTS.length);
    for (const config of CLIENTS) {
      const [clientId] = clientNamed(config.name);
      const [, registration] = single(
        registrations.filter(([, r]) => flatten(r.Properties.Create).includes(`<Ref:${clientId}>`)),
        `registry item of ${config.name}`,
      );
      const create = JSON.parse(flatten(registration.Properties.Create)) as Json;
      assert.equal(flatten(registration.Properties.Update), flatten(registration.Properties.Create));
      const parameters = create.parameters as Json;
      assert.equal(create.service, 'DynamoDB');
      assert.equal(create.action, 'UpdateItem');
      assert.equal(parameters.TableName, `<Ref:${domainTableId}>`);
      const { pk, sk } = machineClientKey(`<Ref:${clientId}>`);
      assert.deepEqual(parameters.Key, { pk: { S: pk }, sk: { S: sk } });
      const values = parameters.ExpressionAttributeValues as Record<
        string,
        { S?: string; L?: { S: string }[] }
      >;
      assert.equal(values[':tenantId']?.S, config.tenantId);
      assert.equal(values[':clientId']?.S, `<Ref:${clientId}>`);
      assert.equal(values[':entity']?.S, 'MACHINE_CLIENT');
      assert.equal(values[':name']?.S, config.name);
      assert.deepEqual(
        values[':scopes']?.L?.map((s) => s.S),
        config.scopes,
      );
      assert.ok(!Number.isNaN(Date.parse(String(values[':createdAt']?.S))));
      assert.match(String(parameters.UpdateExpression), /createdAt = if_not_exists\(createdAt, :createdAt\)/);
      if (config.partnerId) {
        assert.equal(values[':partnerId']?.S, config.partnerId);
        assert.match(String(parameters.UpdateExpression), /partnerId = :partnerId/);
      } else {
        assert.match(String(parameters.UpdateExpression), / REMOVE partnerId$/);
      }
      const remove = JSON.parse(flatten(registration.Properties.Delete)) as Json;
      assert.equal(remove.action, 'DeleteItem');
      assert.deepEqual((remove.parameters as Json).Key, parameters.Key);
    }
  });

  it('writes registry items with a role that may only update and delete registry keys of the domain table', () => {
    const registrations = ofType('Custom::OrderlyMachineClient');
    const providerIds = new Set(registrations.map(([, r]) => getAttId(r.Properties.ServiceToken)));
    const providerId = single([...providerIds], 'registry provider function') as string;
    const roleId = roleOf(resources[providerId] as Resource);
    const statements = roleStatements(roleId);
    const dynamo = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
    const others = statements.filter((s) => !dynamo.includes(s));
    assert.deepEqual(dynamo, [
      {
        Sid: 'MachineClientRegistry',
        Effect: 'Allow',
        Action: ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
        Resource: domainTableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MACHINE_CLIENT#*'] } },
      },
    ]);
    assert.deepEqual(
      others.flatMap((s) => asArray(s.Action)),
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
    );
    assert.equal((resources[roleId] as Resource).Properties.ManagedPolicyArns, undefined);
  });

  it('lets the JWT authorizer take the people’s client and every machine client', () => {
    const [, authorizer] = single(ofType('AWS::ApiGatewayV2::Authorizer'), 'authorizer');
    const audience = (authorizer.Properties.JwtConfiguration as { Audience: unknown[] }).Audience.map(refId);
    assert.deepEqual(audience, [
      logicalId(stack.auth.client),
      ...CLIENTS.map((config) => clientNamed(config.name)[0]),
    ]);
  });

  it('outputs the client ids by name', () => {
    const text = flatten(outputs.MachineClientIds?.Value);
    for (const config of CLIENTS) {
      assert.ok(text.includes(`"${config.name}":"<Ref:${clientNamed(config.name)[0]}>"`), text);
    }
  });
});

describe('the pre-token-generation trigger', () => {
  const [triggerId, trigger] = lambdaOf('preTokenGeneration');

  it('is the pool’s V3 pre-token-generation trigger (the version that sees client credentials)', () => {
    const [, pool] = single(ofType('AWS::Cognito::UserPool'), 'user pool');
    const config = (pool.Properties.LambdaConfig as Json).PreTokenGenerationConfig;
    assert.deepEqual(config, { LambdaArn: { 'Fn::GetAtt': [triggerId, 'Arn'] }, LambdaVersion: 'V3_0' });
    const [, permission] = single(
      ofType('AWS::Lambda::Permission').filter(([, p]) => getAttId(p.Properties.FunctionName) === triggerId),
      'permission of the trigger',
    );
    assert.equal(permission.Properties.Principal, 'cognito-idp.amazonaws.com');
    assert.deepEqual(permission.Properties.SourceArn, {
      'Fn::GetAtt': [logicalId(stack.auth.userPool), 'Arn'],
    });
  });

  it('runs like every other function and knows only the domain table', () => {
    assert.equal(trigger.Properties.Runtime, 'nodejs22.x');
    assert.deepEqual(trigger.Properties.Architectures, ['arm64']);
    assert.ok(Number(trigger.Properties.Timeout) <= 5, 'Cognito waits five seconds');
    const variables = (trigger.Properties.Environment as { Variables: Json }).Variables;
    assert.deepEqual(Object.keys(variables).sort(), [
      'DOMAIN_TABLE_NAME',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_SERVICE_NAME',
    ]);
    assert.equal(refId(variables.DOMAIN_TABLE_NAME), domainTableId);
  });

  it('may GetItem machine-client registry items and write its logs, nothing else', () => {
    const roleId = roleOf(trigger);
    assert.equal((resources[roleId] as Resource).Properties.ManagedPolicyArns, undefined);
    const statements = roleStatements(roleId);
    assert.deepEqual(
      statements.map((s) => s.Sid),
      ['Logs', 'MachineClientRegistry'],
    );
    const [logs, registry] = statements as [Statement, Statement];
    assert.deepEqual(logs.Action, ['logs:CreateLogStream', 'logs:PutLogEvents']);
    const logGroup = (trigger.Properties.LoggingConfig as { LogGroup: unknown }).LogGroup;
    assert.equal(getAttId(logs.Resource), refId(logGroup), 'its own log group');
    assert.deepEqual(registry, {
      Sid: 'MachineClientRegistry',
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: domainTableArn,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MACHINE_CLIENT#*'] } },
    });
  });
});

describe('webhooks in the stack', () => {
  const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);

  it('leaves the signed inbound routes without an authorizer, and them alone besides health and docs', () => {
    const inbound = httpFunctions.filter((spec) => spec.operation.path.startsWith('/v1/inbound/'));
    assert.ok(inbound.length >= 2, 'the inbound fulfilment and needs routes');
    for (const spec of inbound) {
      assert.ok(isPublic(spec.operation), routeKeyOf(spec.operation));
      const route = single(
        routes.filter((r) => r.RouteKey === routeKeyOf(spec.operation)),
        routeKeyOf(spec.operation),
      );
      assert.equal(route.AuthorizationType, 'NONE');
    }
    const open = routes.filter((r) => r.AuthorizationType === 'NONE').map((r) => String(r.RouteKey));
    assert.deepEqual(
      open.filter((key) => !/ \/(docs|health|openapi\.json)/.test(key)).sort(),
      inbound.map((spec) => routeKeyOf(spec.operation)).sort(),
    );
    const webhookAdmin = httpFunctions.filter((spec) => spec.operation.path.startsWith('/v1/webhooks/'));
    assert.ok(webhookAdmin.length > 0);
    for (const spec of webhookAdmin) assert.ok(!isPublic(spec.operation), routeKeyOf(spec.operation));
  });

  it('sweeps due deliveries every minute (UTC), invoking only the sweeper', () => {
    const [, schedule] = single(
      ofType('AWS::Scheduler::Schedule').filter(
        ([, s]) => s.Properties.Name === 'Orderly-sweepWebhookDeliveries',
      ),
      'sweeper schedule',
    );
    assert.equal(schedule.Properties.ScheduleExpression, 'rate(1 minute)');
    assert.equal(schedule.Properties.ScheduleExpressionTimezone, 'UTC');
    const target = schedule.Properties.Target as { Arn: unknown; RoleArn: unknown };
    assert.equal(getAttId(target.Arn), lambdaOf('sweepWebhookDeliveries')[0]);
    const invoked = roleStatements(getAttId(target.RoleArn) as string)
      .filter((s) => asArray(s.Action).includes('lambda:InvokeFunction'))
      .flatMap((s) => asArray(s.Resource).map(getAttId));
    assert.deepEqual(invoked, [lambdaOf('sweepWebhookDeliveries')[0]]);
  });

  it('fans out from the domain table’s stream', () => {
    const [fanOutId] = lambdaOf('fanOutWebhooks');
    const [, mapping] = single(
      ofType('AWS::Lambda::EventSourceMapping').filter(
        ([, m]) => refId(m.Properties.FunctionName) === fanOutId,
      ),
      'event source mapping of fanOutWebhooks',
    );
    assert.deepEqual(mapping.Properties.EventSourceArn, { 'Fn::GetAtt': [domainTableId, 'StreamArn'] });
  });

  it('lets functions call out over the internet without a VPC, NAT or extra permission', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) assert.equal(fn.Properties.VpcConfig, undefined);
  });
});

describe('stack size', () => {
  it('keeps every template, the parent’s and each nested stack’s, under 400 resources', () => {
    const sizes = templateSizes(stack);
    console.log(
      `Resources per template (${sizes.reduce((sum, size) => sum + size.resources, 0)} in all):\n` +
        sizes.map((size) => `  ${String(size.resources).padStart(4)}  ${size.path}`).join('\n'),
    );
    assert.ok(sizes.length > 1, 'the functions are in nested stacks');
    for (const size of sizes) assert.ok(size.resources < 400, `${size.path}: ${size.resources} resources`);
    // The flattened template the tests read holds exactly the resources of all templates together,
    // less the nested stacks' own AWS::CloudFormation::Stack resources.
    assert.equal(
      Object.keys(resources).length,
      sizes.reduce((sum, size) => sum + size.resources, 0) - (sizes.length - 1),
    );
  });
});

describe('cdk-nag with machine clients', () => {
  it('reports no finding that is not acknowledged', () => {
    const findings = validationFindings(assembly.directory);
    assert.deepEqual(findings, []);
  });

  it('acknowledges on the new constructs only what the rules raise there', () => {
    const acknowledged = app.node
      .findAll()
      .filter((c) =>
        /^Orderly\/(MachineClients|SecretsKey|AWS679f53fac002430cb0da5b7982bd2287)/.test(c.node.path),
      )
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
          .flatMap((entry) =>
            Object.keys(entry.data as Json).map((id) => ({
              path: construct.node.path,
              id: id.replace(/^annotation::/i, ''),
            })),
          ),
      );
    const unfiltered = new AwsSolutionsChecks();
    Object.defineProperty(unfiltered, 'isAcknowledged', { value: () => false });
    const raw = unfiltered.validateScope(app).violations;
    for (const ack of acknowledged) {
      assert.ok(
        raw.some(
          (v) =>
            v.ruleName === ack.id &&
            v.violatingResources.some(
              (r) => r.constructPath === ack.path || r.constructPath?.startsWith(`${ack.path}/`),
            ),
        ),
        `${ack.id} is acknowledged at ${ack.path} but nothing there raises it`,
      );
    }
    assert.deepEqual(acknowledged.map((ack) => `${ack.id} @ ${ack.path}`).sort(), [
      'AwsSolutions-L1 @ Orderly/MachineClients/PreTokenGeneration/Function',
    ]);
  });
});
