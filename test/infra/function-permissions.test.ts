/**
 * Every Lambda function of the synthesized stack may do exactly what its handler does, as written
 * out by hand in test/infra/expected-permissions.ts from reading the handlers, and nothing more:
 * the DynamoDB actions per table, Step Functions, EventBridge, KMS, Secrets Manager, the domain
 * stream and the dead-letter queue, each on Orderly's own resource only. The stack is generated
 * from functions/manifest.ts, so comparing it with the manifest (as stack.test.ts once did) cannot
 * catch a wrong grant in the manifest; comparing it with an independent table can.
 *
 * Synthesized once, without bundling (only the template counts here; stack.test.ts checks the
 * bundles), with one machine client configured so that the machine-client functions exist too.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { afterAll, describe, it } from 'vitest';
import { CURSOR_KEY_SECRET_ENV } from '../../functions/shared/db/cursor-key';
import { tables } from '../../functions/shared/db/tables';
import { SECRETS_KMS_KEY_ENV } from '../../functions/shared/secrets/sealed-secret';
import { AUTH_DOMAIN_PREFIX_CONTEXT, MACHINE_CLIENTS_CONTEXT } from '../../infra/machine-client-config';
import { createOrderlyApp } from '../../infra/orderly-app';
import { flattenedTemplate, roleStatements, type StatementJson } from '../support/cdk-templates';
import {
  DELIBERATE_SIZES,
  EXPECTED_PERMISSIONS,
  type ExpectedPermissions,
  type TableId,
} from './expected-permissions';

type Json = Record<string, unknown>;
type Resource = { Type: string; Properties: Json };

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Json;
};
const outdir = mkdtempSync(join(tmpdir(), 'orderly-cdk-permissions-'));
const { app, stack } = createOrderlyApp({
  outdir,
  context: {
    ...cdkJson.context,
    '@aws-cdk/core:failSynthOnValidationErrors': false,
    'aws:cdk:bundling-stacks': [],
    [MACHINE_CLIENTS_CONTEXT]: JSON.stringify([{ name: 'erp', tenantId: 'acme', scopes: ['orders:write'] }]),
    [AUTH_DOMAIN_PREFIX_CONTEXT]: 'orderly-permissions-test',
  },
});
app.synth();
const resources = (flattenedTemplate(stack).toJSON() as { Resources: Record<string, Resource> }).Resources;
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const getAtt = (value: unknown) => (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
const refId = (value: unknown) => (value as { Ref?: string }).Ref;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const single = <T>(items: T[], what: string): T => {
  assert.equal(items.length, 1, `expected exactly one ${what}`);
  return items[0] as T;
};

const tableIdOf = Object.fromEntries(
  tables.map((t) => [stack.getLogicalId(stack.tables.byId[t.id].node.defaultChild as CfnElement), t.id]),
) as Record<string, TableId>;
const [busId] = single(ofType('AWS::Events::EventBus'), 'event bus');
const [cursorKeyId] = single(ofType('AWS::SecretsManager::Secret'), 'cursor key secret');
const [secretsKeyId] = single(ofType('AWS::KMS::Key'), 'secrets key');
const queueOwner = Object.fromEntries(
  ofType('AWS::SQS::Queue').map(([id, q]) => [
    id,
    String(q.Properties.QueueName).match(/^Orderly-(\w+)-dead-letters$/)?.[1],
  ]),
);
/** CDK's SDK-call provider has no name of its own: it is the one that serves the registry items. */
const registryProviderId = single(
  [...new Set(ofType('Custom::OrderlyMachineClient').map(([, r]) => getAtt(r.Properties.ServiceToken)?.[0]))],
  'machine-client registry provider',
);

/** Every Lambda function of the template by name: its FunctionName without `Orderly-`. */
const lambdas = new Map(
  ofType('AWS::Lambda::Function').map(([id, fn]) => {
    const name = fn.Properties.FunctionName;
    if (id === registryProviderId) return ['machineClientRegistry', { id, fn }] as const;
    return [
      typeof name === 'string' ? name.replace(/^Orderly-/, '') : `(unnamed ${id})`,
      { id, fn },
    ] as const;
  }),
);

/** A CloudFormation string with its tokens written out: `arn:<AWS::Partition>:states:…`. */
const text = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const joined = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (joined) return joined[1].map(text).join(joined[0]);
  if (refId(value)) return `<${refId(value)}>`;
  const att = getAtt(value);
  if (att) return `<${att[0]}.${att[1]}>`;
  return JSON.stringify(value);
};
const ARN_PREFIX = 'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>';

/** A statement's resource in words; `own` marks the function's own log group and dead-letter queue. */
function resourceName(resource: unknown, owner: string, ownLogGroup: string | undefined): string {
  const [id, attribute] = getAtt(resource) ?? [];
  if (id && tableIdOf[id]) return `${attribute === 'StreamArn' ? 'stream' : 'table'}:${tableIdOf[id]}`;
  if (id === busId) return 'bus';
  if (id === secretsKeyId) return 'secretsKey';
  if (id && id === ownLogGroup) return 'logs:own';
  if (id && queueOwner[id]) return `deadLetters:${queueOwner[id] === owner ? 'own' : queueOwner[id]}`;
  if (refId(resource) === cursorKeyId) return 'cursorKey';
  const words = text(resource);
  const index = words.match(/^<(\w+)\.Arn>\/index\/(\w+)$/);
  if (index?.[1] && tableIdOf[index[1]]) return `index:${tableIdOf[index[1]]}/${index[2]}`;
  if (words === `${ARN_PREFIX}:stateMachine:Orderly-OrderLifecycle`) return 'stateMachine:orderLifecycle';
  if (words === `${ARN_PREFIX}:execution:Orderly-OrderLifecycle:*`) return 'executions:orderLifecycle';
  return `unrecognised:${words}`;
}

/** What the table says a function may do, as "action resource" lines. */
function expectedLines(row: ExpectedPermissions): string[] {
  const lines = ['logs:CreateLogStream logs:own', 'logs:PutLogEvents logs:own'];
  for (const [table, actions] of Object.entries(row.tables ?? {}) as [TableId, string[]][]) {
    lines.push(...actions.map((action) => `dynamodb:${action} table:${table}`));
    // IAM names each index of a table Queried (infra/table-access.ts): an index serves nothing but Query.
    if (actions.includes('Query')) {
      const definition = tables.find((t) => t.id === table);
      lines.push(
        ...(definition?.indexes ?? []).map((index) => `dynamodb:Query index:${table}/${index.name}`),
      );
    }
  }
  if (row.readsDomainStream)
    lines.push(
      ...['DescribeStream', 'GetRecords', 'GetShardIterator', 'ListStreams'].map(
        (action) => `dynamodb:${action} stream:domain`,
      ),
    );
  if (row.deadLetters) lines.push('sqs:SendMessage deadLetters:own');
  for (const action of row.workflow ?? [])
    lines.push(
      `states:${action} ${action === 'DescribeExecution' ? 'executions' : 'stateMachine'}:orderLifecycle`,
    );
  if (row.publishesEvents) lines.push('events:PutEvents bus');
  for (const action of row.secrets ?? []) lines.push(`kms:${action} secretsKey`);
  if (row.cursors) lines.push('secretsmanager:GetSecretValue cursorKey');
  return [...new Set(lines)].sort();
}

function roleOf(name: string): { roleId: string; statements: StatementJson[]; ownLogGroup?: string } {
  const lambda = lambdas.get(name);
  assert.ok(lambda, `no Lambda function ${name} in the template`);
  const roleId = getAtt(lambda.fn.Properties.Role)?.[0];
  assert.ok(roleId, `${name} has a role of the stack`);
  const role = resources[roleId] as Resource;
  assert.equal(role.Properties.ManagedPolicyArns, undefined, `${name}'s role has managed policies`);
  const logGroup = (lambda.fn.Properties.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup;
  return { roleId, statements: roleStatements(resources, roleId), ownLogGroup: refId(logGroup) };
}

describe('function permissions, against a table written from the handlers', () => {
  it('has a row for every Lambda function of the template, and a function for every row', () => {
    const inTemplate = [...lambdas.keys()];
    const missing = inTemplate.filter((name) => !(name in EXPECTED_PERMISSIONS));
    assert.deepEqual(
      missing,
      [],
      `add a row for ${missing.join(', ')} to test/infra/expected-permissions.ts, written from what its handler sends (not from functions/manifest.ts)`,
    );
    assert.deepEqual(
      Object.keys(EXPECTED_PERMISSIONS).filter((name) => !lambdas.has(name)),
      [],
      'rows of test/infra/expected-permissions.ts without a function in the template',
    );
    assert.equal(inTemplate.length, 94);
  });

  for (const [name, row] of Object.entries(EXPECTED_PERMISSIONS)) {
    it(`${name} may do exactly what its handler does, on Orderly's resources only`, () => {
      const { statements, ownLogGroup } = roleOf(name);
      const granted = statements.flatMap((s) =>
        asArray(s.Action).flatMap((action) =>
          asArray(s.Resource).map((resource) => `${action} ${resourceName(resource, name, ownLogGroup)}`),
        ),
      );
      assert.deepEqual([...new Set(granted)].sort(), expectedLines(row), name);
      for (const statement of statements) {
        assert.equal(statement.Effect, 'Allow', name);
        const actions = asArray(statement.Action);
        // The KMS statements' encryption-context condition is integrations-stack.test.ts's.
        if (actions.some((action) => action.startsWith('kms:'))) {
          assert.ok(statement.Condition, `${name}: KMS without a condition`);
        } else if (row.leadingKeys && actions.some((action) => action.startsWith('dynamodb:'))) {
          assert.deepEqual(
            statement.Condition,
            { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...row.leadingKeys] } },
            name,
          );
        } else {
          assert.equal(statement.Condition, undefined, `${name}: ${actions.join(', ')}`);
        }
      }
    });
  }

  it('tells each handler where exactly the things it may use are', () => {
    const stateMachineEnv = 'ORDER_LIFECYCLE_STATE_MACHINE_ARN';
    for (const [name, row] of Object.entries(EXPECTED_PERMISSIONS)) {
      if (row.tableNamesInEnvironment === false) continue;
      const { fn } = lambdas.get(name) ?? assert.fail(`no Lambda function ${name}`);
      const variables = ((fn.Properties.Environment as { Variables?: Json } | undefined)?.Variables ??
        {}) as Json;
      for (const table of tables) {
        const uses = Boolean(row.tables?.[table.id]?.length);
        assert.equal(table.envVar in variables, uses, `${name} ${table.envVar}`);
        if (uses) assert.equal(tableIdOf[refId(variables[table.envVar]) ?? ''], table.id, name);
      }
      assert.equal('EVENT_BUS_NAME' in variables, Boolean(row.publishesEvents), `${name} EVENT_BUS_NAME`);
      assert.equal(CURSOR_KEY_SECRET_ENV in variables, Boolean(row.cursors), `${name} cursor key`);
      assert.equal(SECRETS_KMS_KEY_ENV in variables, Boolean(row.secrets?.length), `${name} secrets key`);
      // The Step Functions adapter builds a start's and a describe's ARNs from the state machine's.
      const needsArn = row.workflow?.some((a) => a === 'StartExecution' || a === 'DescribeExecution');
      assert.equal(stateMachineEnv in variables, Boolean(needsArn), `${name} ${stateMachineEnv}`);
    }
  });

  it('gives the functions sized on purpose their memory and timeout', () => {
    for (const [name, size] of Object.entries(DELIBERATE_SIZES)) {
      const { fn } = lambdas.get(name) ?? assert.fail(`no Lambda function ${name}`);
      assert.equal(fn.Properties.Timeout, size.timeoutSeconds, `${name} timeout`);
      if (size.memoryMb !== undefined)
        assert.equal(fn.Properties.MemorySize, size.memoryMb, `${name} memory`);
    }
  });
});
