import { Aws, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import {
  OAuthScope,
  ResourceServerScope,
  type UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { MachineClientRegistration } from '../functions/clients/registration';
import { MACHINE_SCOPES, RESOURCE_SERVER_ID } from '../functions/shared/auth/machine-scope-list';
import { domainTable } from '../functions/shared/db/tables';
import { LOG_RETENTION } from './functions';
import { lambdaRole } from './lambda-role';
import { MACHINE_CLIENT_KEY_PREFIX, PreTokenTrigger } from './pre-token-trigger';

const REGISTRY_SK = 'MACHINE_CLIENT';
/** Client credentials never come with a refresh token; an hour is what a fetched token lives. */
const TOKEN_VALIDITY = Duration.hours(1);

export interface MachineClientsProps {
  userPool: UserPool;
  table: ITableV2;
  /** From the context `orderly:machineClients` (infra/machine-client-config.ts). */
  clients: readonly MachineClientRegistration[];
  /** From the context `orderly:authDomainPrefix`; `orderly-<account id>` without it. */
  domainPrefix?: string;
  /** When the stack is synthesized: a client's `createdAt`, written once (later deploys keep the first). */
  registeredAt?: Date;
}

/**
 * Integrations authenticate as machines (OAuth 2.0 client credentials), on the people's user pool:
 *
 * - the resource server `orderly` with one scope per machine scope (functions/shared/auth/machine-scope-list.ts),
 *   which tokens carry as `orderly/<name>`;
 * - a Cognito domain, whose `/oauth2/token` issues the tokens;
 * - one app client per configured client: with a secret, the client-credentials grant only, its own
 *   scopes only, one-hour access tokens; and its registry item (tenant, scopes, partner), written by
 *   the stack and by nothing else, which binds it to its tenant for good: the tenant is part of the
 *   client's construct id, so changing it makes a new client rather than moving one;
 * - the V3 pre-token-generation trigger that puts the registry's tenant and partner into the token.
 */
export class MachineClients extends Construct {
  readonly resourceServer: UserPoolResourceServer;
  readonly domain: UserPoolDomain;
  readonly trigger: PreTokenTrigger;
  /** By the configured client name. */
  readonly clients: ReadonlyMap<string, UserPoolClient>;

  constructor(scope: Construct, id: string, props: MachineClientsProps) {
    super(scope, id);
    const { userPool } = props;
    const scopes = new Map(
      MACHINE_SCOPES.map((s) => [
        s.name,
        new ResourceServerScope({ scopeName: s.name, scopeDescription: s.description }),
      ]),
    );
    this.resourceServer = userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER_ID,
      userPoolResourceServerName: 'Orderly API',
      scopes: [...scopes.values()],
    });
    this.domain = userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? Fn.join('-', ['orderly', Aws.ACCOUNT_ID]) },
    });
    this.trigger = new PreTokenTrigger(this, 'PreTokenGeneration', { userPool, table: props.table });

    const registry = props.clients.length ? new RegistryWriter(this, 'Registry', props.table) : undefined;
    const registeredAt = (props.registeredAt ?? new Date()).toISOString();
    const clients = new Map<string, UserPoolClient>();
    for (const config of props.clients) {
      const id = `Client-${config.tenantId}-${config.name}`;
      const client = userPool.addClient(id, {
        userPoolClientName: `orderly-machine-${config.name}`,
        generateSecret: true,
        // No user sign-in flow at all: Cognito always keeps refresh, which client credentials never use.
        authFlows: { userSrp: false },
        oAuth: {
          flows: { clientCredentials: true },
          scopes: config.scopes.map((name) =>
            OAuthScope.resourceServer(this.resourceServer, scopes.get(name) as ResourceServerScope),
          ),
        },
        supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
        accessTokenValidity: TOKEN_VALIDITY,
        refreshTokenValidity: TOKEN_VALIDITY,
        preventUserExistenceErrors: true,
      });
      // The client needs its scopes to exist first.
      client.node.addDependency(this.resourceServer);
      registry?.register(id, client.userPoolClientId, config, registeredAt);
      clients.set(config.name, client);
    }
    this.clients = clients;
  }

  /** Where machine clients get their tokens (POST, `grant_type=client_credentials`). */
  get tokenUrl(): string {
    return `${this.domain.baseUrl()}/oauth2/token`;
  }
}

/**
 * Writes and deletes the registry items, as CloudFormation creates, updates and deletes the app
 * clients. One role for all of them: its logs, and UpdateItem/DeleteItem on registry keys only.
 */
class RegistryWriter extends Construct {
  private readonly table: ITableV2;
  private readonly role: Role;
  private readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, table: ITableV2) {
    super(scope, id);
    this.table = table;
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = lambdaRole(this, 'Role', {
      description: 'Orderly machine-client registry: writes and deletes registry items as the stack changes',
      logGroup: this.logGroup,
      statements: [
        new PolicyStatement({
          sid: 'MachineClientRegistry',
          effect: Effect.ALLOW,
          actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          resources: [table.tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${MACHINE_CLIENT_KEY_PREFIX}*`] },
          },
        }),
      ],
    });
  }

  register(id: string, clientId: string, config: MachineClientRegistration, registeredAt: string): void {
    const key = {
      [domainTable.partitionKey]: { S: `${MACHINE_CLIENT_KEY_PREFIX}${clientId}` },
      [domainTable.sortKey as string]: { S: REGISTRY_SK },
    };
    const values: Record<string, unknown> = {
      ':entity': { S: 'MACHINE_CLIENT' },
      ':clientId': { S: clientId },
      ':tenantId': { S: config.tenantId },
      ':scopes': { L: config.scopes.map((name) => ({ S: name })) },
      ':name': { S: config.name },
      ':createdAt': { S: registeredAt },
      ...(config.partnerId ? { ':partnerId': { S: config.partnerId } } : {}),
    };
    const set = [
      'entity = :entity',
      'clientId = :clientId',
      'tenantId = :tenantId',
      'scopes = :scopes',
      '#name = :name',
      'createdAt = if_not_exists(createdAt, :createdAt)',
      ...(config.partnerId ? ['partnerId = :partnerId'] : []),
    ];
    const write = {
      service: 'DynamoDB',
      action: 'UpdateItem',
      parameters: {
        TableName: this.table.tableName,
        Key: key,
        UpdateExpression: `SET ${set.join(', ')}${config.partnerId ? '' : ' REMOVE partnerId'}`,
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: values,
      },
      physicalResourceId: PhysicalResourceId.of(clientId),
    };
    const resource = new AwsCustomResource(this, id, {
      resourceType: 'Custom::OrderlyMachineClient',
      onCreate: write,
      onUpdate: write,
      onDelete: {
        service: 'DynamoDB',
        action: 'DeleteItem',
        parameters: { TableName: this.table.tableName, Key: key },
      },
      role: this.role,
      logGroup: this.logGroup,
      installLatestAwsSdk: false,
    });
    resource.node.addDependency(this.role);
  }
}
