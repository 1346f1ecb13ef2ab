import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import {
  CLIENT_CREDENTIALS_SOURCE,
  type ClientCredentialsTokenEvent,
  handler as preTokenGeneration,
  UnknownMachineClientError,
} from '../../functions/clients/pre-token-generation';
import { registerMachineClient } from '../../functions/clients/register';
import { createTestTables } from '../support/database';
import { uniqueTenant } from '../support/invoke';

/**
 * Edges of the pre-token-generation trigger against the registry in DynamoDB Local: a request with
 * no scopes at all, scopes of servers whose names merely start like Orderly's, every Orderly scope
 * the registry grants kept and every other one suppressed, the tenant always overriding whatever
 * the token request carried, and the error an unregistered client gets (its name and message).
 */
const tables = await createTestTables();
afterAll(() => tables.drop());

const tokenEvent = (
  clientId: string,
  scopes: string[] | undefined,
  triggerSource = CLIENT_CREDENTIALS_SOURCE,
) =>
  ({
    version: '3',
    triggerSource,
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_test',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
    request: { userAttributes: {}, groupConfiguration: {}, ...(scopes ? { scopes } : {}) },
    response: { claimsAndScopeOverrideDetails: null },
  }) as ClientCredentialsTokenEvent;

describe('the pre-token-generation trigger, scopes', () => {
  it('binds the tenant and suppresses nothing for a request without scopes', async () => {
    const tenantId = uniqueTenant('pt');
    const { client } = await registerMachineClient({ tenantId, scopes: ['orders:read'] });
    const event = tokenEvent(client.clientId, undefined);
    const answered = await preTokenGeneration(event);
    assert.equal(answered, event, 'the same event, completed');
    assert.deepEqual(answered.response.claimsAndScopeOverrideDetails, {
      accessTokenGeneration: { claimsToAddOrOverride: { 'custom:tenant_id': tenantId } },
    });
  });

  it('keeps every granted Orderly scope, suppresses each other Orderly one, and never another server’s', async () => {
    const tenantId = uniqueTenant('pt');
    const { client } = await registerMachineClient({ tenantId, scopes: ['orders:read', 'needs:write'] });
    const event = await preTokenGeneration(
      tokenEvent(client.clientId, [
        'orderly/needs:write',
        'orderly/fulfilment',
        'orderly/orders:read',
        'orderlyx/orders:write',
        'orderly/customers:read',
        'orders:write',
      ]),
    );
    assert.deepEqual(event.response.claimsAndScopeOverrideDetails, {
      accessTokenGeneration: {
        claimsToAddOrOverride: { 'custom:tenant_id': tenantId },
        scopesToSuppress: ['orderly/fulfilment', 'orderly/customers:read'],
      },
    });
  });

  it('refuses an unregistered client by name', async () => {
    await assert.rejects(
      preTokenGeneration(tokenEvent('nosuchclient1', ['orderly/orders:read'])),
      (error) => {
        assert.ok(error instanceof UnknownMachineClientError);
        assert.equal(error.name, 'UnknownMachineClientError');
        assert.equal(error.message, 'This client is not registered with Orderly.');
        return true;
      },
    );
  });

  it('passes every other trigger source through, even for a registered client', async () => {
    const { client } = await registerMachineClient({ tenantId: uniqueTenant('pt'), scopes: ['orders:read'] });
    for (const source of ['TokenGeneration_Authentication', 'TokenGeneration_RefreshTokens', '']) {
      const event = tokenEvent(client.clientId, ['orderly/orders:write'], source);
      const answered = await preTokenGeneration(event);
      assert.equal(answered.response.claimsAndScopeOverrideDetails, null, source);
    }
    assert.equal(CLIENT_CREDENTIALS_SOURCE, 'TokenGeneration_ClientCredentials');
  });
});
