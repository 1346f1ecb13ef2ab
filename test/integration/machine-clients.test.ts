import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { clientSecretMatches } from '../../functions/clients/client-secret';
import {
  CLIENT_CREDENTIALS_SOURCE,
  type ClientCredentialsTokenEvent,
  handler as preTokenGeneration,
  UnknownMachineClientError,
} from '../../functions/clients/pre-token-generation';
import { registerMachineClient } from '../../functions/clients/register';
import { getMachineClient, putMachineClient, scanMachineClients } from '../../functions/clients/store';
import { ValidationError } from '../../functions/shared/http/errors';
import { callTwin } from '../../local/control/client';
import { startControlServer } from '../../local/control/server';
import { countItems, createTestTables } from '../support/database';
import { uniqueTenant } from '../support/invoke';

/** The machine-client registry in DynamoDB Local: registration, the Cognito trigger, the twin's /clients. */
const tables = await createTestTables();
const dynamodb = new DynamoDBClient({});
const dir = mkdtempSync(join(tmpdir(), 'orderly-clients-'));
afterAll(async () => {
  dynamodb.destroy();
  await tables.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** A V3 trigger event as Cognito sends it for a client-credentials grant. */
const tokenEvent = (clientId: string, scopes: string[], triggerSource = CLIENT_CREDENTIALS_SOURCE) =>
  ({
    version: '3',
    triggerSource,
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_test',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
    request: { userAttributes: {}, groupConfiguration: {}, scopes },
    response: { claimsAndScopeOverrideDetails: null },
  }) as ClientCredentialsTokenEvent;

describe('registering a machine client', () => {
  it('binds a new id to the tenant and keeps only a hash of the secret it shows once', async () => {
    const tenantId = uniqueTenant('mc');
    const { client, clientSecret } = await registerMachineClient(
      { tenantId, scopes: ['fulfilment'], partnerId: 'in-house', name: 'Warehouse' },
      new Date('2026-03-01T10:00:00Z'),
    );
    const record = await getMachineClient(client.clientId);
    assert.ok(record);
    assert.equal(record.pk, `MACHINE_CLIENT#${client.clientId}`);
    assert.equal(record.sk, 'MACHINE_CLIENT');
    assert.deepEqual(
      { tenantId: record.tenantId, scopes: record.scopes, partnerId: record.partnerId, name: record.name },
      { tenantId, scopes: ['fulfilment'], partnerId: 'in-house', name: 'Warehouse' },
    );
    assert.equal(record.createdAt, '2026-03-01T10:00:00.000Z');
    assert.ok(!JSON.stringify(record).includes(clientSecret));
    assert.equal(await clientSecretMatches(clientSecret, record.secretHash), true);
  });

  it('writes nothing for a refused registration', async () => {
    const before = await countItems(dynamodb, [tables.domain]);
    await assert.rejects(
      registerMachineClient({ tenantId: 'acme', scopes: ['fulfilment'] }),
      ValidationError,
    );
    assert.equal(await countItems(dynamodb, [tables.domain]), before);
  });

  it('never overwrites a registered id: its tenant binding stays', async () => {
    const { client } = await registerMachineClient({ tenantId: uniqueTenant('mc'), scopes: ['orders:read'] });
    await assert.rejects(
      putMachineClient({ ...client, tenantId: 'intruder' }),
      ConditionalCheckFailedException,
    );
    assert.equal((await getMachineClient(client.clientId))?.tenantId, client.tenantId);
  });
});

describe('the pre-token-generation trigger (Cognito, V3)', () => {
  it('adds the registry’s tenant and partner to the access token', async () => {
    const tenantId = uniqueTenant('mc');
    const { client } = await registerMachineClient({ tenantId, scopes: ['fulfilment'], partnerId: 'dhl' });
    const event = await preTokenGeneration(tokenEvent(client.clientId, ['orderly/fulfilment']));
    assert.deepEqual(event.response.claimsAndScopeOverrideDetails, {
      accessTokenGeneration: {
        claimsToAddOrOverride: { 'custom:tenant_id': tenantId, 'custom:partner_id': 'dhl' },
      },
    });
  });

  it('suppresses Orderly scopes the registry does not grant, and leaves other servers’ alone', async () => {
    const { client } = await registerMachineClient({ tenantId: uniqueTenant('mc'), scopes: ['orders:read'] });
    const event = await preTokenGeneration(
      tokenEvent(client.clientId, ['orderly/orders:read', 'orderly/orders:write', 'other/thing']),
    );
    const access = event.response.claimsAndScopeOverrideDetails?.accessTokenGeneration;
    assert.deepEqual(access?.scopesToSuppress, ['orderly/orders:write']);
    assert.deepEqual(Object.keys(access?.claimsToAddOrOverride ?? {}), ['custom:tenant_id']);
  });

  it('fails the grant of a client the registry does not know: no token', async () => {
    await assert.rejects(
      preTokenGeneration(tokenEvent('notregistered', ['orderly/fulfilment'])),
      UnknownMachineClientError,
    );
  });

  it('passes people’s sign-ins through unchanged', async () => {
    const event = tokenEvent('webapp', [], 'TokenGeneration_Authentication');
    const before = structuredClone(event);
    assert.deepEqual(await preTokenGeneration(event), before);
  });
});

describe('the twin’s control socket, /clients', () => {
  it('registers a client (201 with its secret and the token URL), lists it without the secret, refuses bad input (400)', async () => {
    const control = await startControlServer({
      socketPath: join(dir, 'twin.sock'),
      scheduler: { runNow: async () => null, list: () => [] },
      clients: {
        register: async (input) => ({
          ...(await registerMachineClient(input)),
          tokenUrl: 'http://twin/oauth2/token',
        }),
        list: scanMachineClients,
      },
    });
    try {
      const tenantId = uniqueTenant('mc');
      const created = await callTwin(control.path, 'POST', '/clients', { tenantId, scopes: ['needs:write'] });
      assert.equal(created.status, 201);
      const body = created.body as {
        client: { clientId: string; tenantId: string };
        clientSecret: string;
        tokenUrl: string;
      };
      assert.equal(body.client.tenantId, tenantId);
      assert.equal(body.tokenUrl, 'http://twin/oauth2/token');
      assert.ok(body.clientSecret.length >= 40);

      const listed = await callTwin(control.path, 'GET', '/clients');
      assert.equal(listed.status, 200);
      const clients = (listed.body as { clients: { clientId: string }[] }).clients;
      const mine = clients.find((client) => client.clientId === body.client.clientId);
      assert.deepEqual(Object.keys(mine ?? {}).sort(), [
        'clientId',
        'createdAt',
        'name',
        'scopes',
        'tenantId',
      ]);
      assert.ok(!JSON.stringify(listed.body).includes('scrypt'));

      const refused = await callTwin(control.path, 'POST', '/clients', { tenantId, scopes: ['admin'] });
      assert.equal(refused.status, 400);
      assert.deepEqual(
        (refused.body as { errors: { field: string }[] }).errors.map((issue) => issue.field),
        ['scopes[0]'],
      );

      // What is not a registration is refused before anything is registered.
      const before = (await scanMachineClients()).length;
      const raw = (method: string, body?: string) =>
        new Promise<{ status: number; text: string }>((resolve, reject) => {
          const request = httpRequest(
            {
              socketPath: control.path,
              method,
              path: '/clients',
              headers: { 'content-type': 'application/json' },
            },
            (response) => {
              let text = '';
              response.setEncoding('utf8');
              response.on('data', (chunk: string) => {
                text += chunk;
              });
              response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
            },
          );
          // The server answers 413 as soon as the body passes its limit, possibly mid-upload.
          request.on('error', (error: NodeJS.ErrnoException) =>
            error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
          );
          request.end(body);
        });
      const deleted = await raw('DELETE');
      assert.equal(deleted.status, 405, deleted.text);
      const malformed = await raw('POST', '{"tenantId":');
      assert.equal(malformed.status, 400, malformed.text);
      assert.match(malformed.text, /not JSON/);
      const huge = await raw('POST', JSON.stringify({ tenantId, name: 'x'.repeat(70 * 1024) }));
      assert.equal(huge.status, 413, huge.text);
      assert.equal((await scanMachineClients()).length, before);
    } finally {
      await control.close();
    }
  });
});
