import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ROLES } from '../functions/shared/auth/roles';
import { Auth, TENANT_ATTRIBUTE } from './auth';
import { CursorKey } from './cursor-key';
import { DomainEventBus } from './event-bus';
import { LambdaFunctions } from './functions';
import { Api } from './http-api';
import {
  AUTH_DOMAIN_PREFIX_CONTEXT,
  authDomainPrefixOf,
  MACHINE_CLIENTS_CONTEXT,
  machineClientsOf,
} from './machine-client-config';
import { MachineClients } from './machine-clients';
import { JobSchedules } from './schedules';
import { SecretsKey } from './secrets-key';
import { StateMachines } from './state-machines';
import { Tables } from './tables';

/**
 * Orderly in AWS, built from the manifest (`functions/manifest.ts`) and the table definitions
 * (`functions/shared/db/tables.ts`): the same data the local twin runs from.
 */
export class OrderlyStack extends Stack {
  readonly tables: Tables;
  readonly auth: Auth;
  readonly cursorKey: CursorKey;
  readonly secretsKey: SecretsKey;
  readonly machineClients: MachineClients;
  readonly eventBus: DomainEventBus;
  readonly schedules: JobSchedules;
  readonly functions: LambdaFunctions;
  readonly api: Api;
  readonly stateMachines: StateMachines;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.tables = new Tables(this, 'Tables');
    this.auth = new Auth(this, 'Auth');
    this.cursorKey = new CursorKey(this, 'CursorKey');
    this.secretsKey = new SecretsKey(this, 'SecretsKey');
    this.eventBus = new DomainEventBus(this, 'Events');
    this.schedules = new JobSchedules(this, 'Schedules');
    const domainPrefix = authDomainPrefixOf(this.node.tryGetContext(AUTH_DOMAIN_PREFIX_CONTEXT));
    this.machineClients = new MachineClients(this, 'MachineClients', {
      userPool: this.auth.userPool,
      table: this.tables.byId.domain,
      clients: machineClientsOf(this.node.tryGetContext(MACHINE_CLIENTS_CONTEXT)),
      ...(domainPrefix ? { domainPrefix } : {}),
    });
    this.api = new Api(this, 'Api', {
      userPool: this.auth.userPool,
      client: this.auth.client,
      machineClients: [...this.machineClients.clients.values()],
    });
    // In nested stacks, one per area (infra/function-areas.ts), with their routes on this API.
    this.functions = new LambdaFunctions(this, 'Functions', {
      tables: this.tables,
      cursorKey: this.cursorKey,
      eventBus: this.eventBus,
      schedules: this.schedules,
      secretsKey: this.secretsKey,
      api: this.api,
    });
    this.stateMachines = new StateMachines(this, 'StateMachines', { functions: this.functions.byName });

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('ApiUrl', this.api.url, 'Base URL of the HTTP API (try GET <url>health, docs at <url>docs)');
    output('UserPoolId', this.auth.userPool.userPoolId, 'Cognito user pool of the people who call the API');
    output(
      'UserPoolClientId',
      this.auth.client.userPoolClientId,
      'App client whose ID tokens the API accepts',
    );
    const orderLifecycle = this.stateMachines.byId.orderLifecycle;
    if (orderLifecycle) {
      output(
        'OrderLifecycleStateMachineArn',
        orderLifecycle.stateMachineArn,
        'The order workflow (Step Functions)',
      );
    }
    output('IssuerUrl', this.auth.issuerUrl, 'The iss of accepted tokens (JWT authorizer issuer)');
    output(
      'TokenUrl',
      this.machineClients.tokenUrl,
      'Machine clients get access tokens here (OAuth 2.0 client credentials, HTTP Basic with the client id and secret)',
    );
    if (this.machineClients.clients.size) {
      output(
        'MachineClientIds',
        this.toJsonString(
          Object.fromEntries(
            [...this.machineClients.clients].map(([name, client]) => [name, client.userPoolClientId]),
          ),
        ),
        'Machine client ids by name; the secret: aws cognito-idp describe-user-pool-client --user-pool-id <UserPoolId> --client-id <id>',
      );
    }
    for (const definition of this.tables.definitions) {
      output(
        `${definition.id[0]?.toUpperCase()}${definition.id.slice(1)}TableName`,
        this.tables.byId[definition.id].tableName,
        `DynamoDB ${definition.id} table (handlers read it from ${definition.envVar})`,
      );
    }
    output(
      'EventBusName',
      this.eventBus.bus.eventBusName,
      'EventBridge bus of the domain events (add rules here to react to them)',
    );
    for (const [name, deadLetters] of this.functions.deadLetters) {
      output(
        `${name[0]?.toUpperCase()}${name.slice(1)}DeadLetterQueueUrl`,
        deadLetters.queue.queueUrl,
        `Dead-letter queue of ${name}: work it gave up on, kept 14 days`,
      );
    }
    output(
      'CreateUserExample',
      Fn.join('', [
        'aws cognito-idp admin-create-user --user-pool-id ',
        this.auth.userPool.userPoolId,
        ' --username someone@example.com --user-attributes Name=email,Value=someone@example.com',
        ` Name=email_verified,Value=true Name=custom:${TENANT_ATTRIBUTE},Value=acme`,
        ' && aws cognito-idp admin-add-user-to-group --user-pool-id ',
        this.auth.userPool.userPoolId,
        ' --username someone@example.com --group-name sales',
      ]),
      `Creates a user in tenant "acme" with role "sales" (groups: ${ROLES.join(', ')}). The tenant cannot be ` +
        'changed later. Cognito mails a temporary password; the first sign-in sets a new one and an ' +
        'authenticator app (MFA is required). Send the ID token as "Authorization: Bearer <token>".',
    );
  }
}
