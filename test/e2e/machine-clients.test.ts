import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import { registerMachineClient } from '../../functions/clients/register';
import { startTwin } from '../../local/twin';
import { apiClient, type TestTwin } from '../support/twin';
import { ok, openShop, placeOrder } from '../support/workflow';

/**
 * Machine clients on the twin, end to end: `npm run client -- create` over the control socket,
 * `POST /oauth2/token` on the gateway, and the API taking the access token for what its scopes
 * allow, in its own tenant only. Started with a control socket, which the CLI needs.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'orderly-machine-'));
const socket = join(dir, 'twin.sock');
const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
if (!endpoint) throw new Error('Run tests with `npm test` (it starts DynamoDB Local)');
const twin = await startTwin({
  port: 0,
  dynamoDbEndpoint: endpoint,
  tablePrefix: `e2e-${randomUUID().slice(0, 8)}`,
  retryIntervalScale: 0.01,
  functionLogLevel: 'WARN',
  controlSocket: socket,
});
// What openShop uses of a test twin: its tokens and an HTTP client.
const shops = { ...twin, client: (token?: string) => apiClient(twin.url, token) } as unknown as TestTwin;
afterAll(async () => {
  await twin.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `npm run client -- …` as npm runs it, on this twin's socket. */
const cli = (args: string[]) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', './local/ts-hooks.mjs', 'local/client.ts', ...args],
      { cwd: ROOT, env: { ...process.env, ORDERLY_CONTROL_SOCKET: socket } },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });

async function tokenFor(clientId: string, secret: string, extra = ''): Promise<string> {
  const response = await fetch(`${twin.url}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: `grant_type=client_credentials${extra}`,
  });
  const body = (await response.json()) as { access_token: string };
  assert.equal(response.status, 200, JSON.stringify(body));
  return body.access_token;
}

const shopA = await openShop(shops);
const shopB = await openShop(shops);

describe('machine clients on the twin', () => {
  it('npm run client -- create prints an id and secret that get a token; a fulfilment client ships and cannot create orders', async () => {
    const run = await cli([
      'create',
      '--tenant',
      shopA.tenantId,
      '--scopes',
      'fulfilment',
      '--partner',
      'in-house',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const clientId = /client id: +(\S+)/.exec(run.stdout)?.[1];
    const secret = /client secret: +(\S+)/.exec(run.stdout)?.[1];
    assert.ok(clientId && secret, run.stdout);
    assert.match(
      run.stdout,
      new RegExp(`curl -s -u '${clientId}:\\S+' -d grant_type=client_credentials ${twin.url}/oauth2/token`),
    );
    const machine = apiClient(twin.url, await tokenFor(clientId, secret));

    const refused = await machine.post('/v1/orders', {
      customerId: shopA.customerId,
      currency: 'EUR',
      lines: [{ sku: 'WIDGET', quantity: 1 }],
    });
    assert.equal(refused.status, 403, refused.text);

    const orderId = await placeOrder(shopA, [{ sku: 'WIDGET', quantity: 2 }]);
    await twin.runner.waitForTaskToken(orderId, 'RequestFulfilment');
    ok(
      await machine.post(`/v1/orders/${orderId}/shipments`, { carrier: 'DHL', trackingNumber: 'M2M-1' }),
      201,
    );
    const order = await shopA.admin.get(`/v1/orders/${orderId}`);
    assert.equal(order.body.shipments[0].trackingNumber, 'M2M-1');
    const timeline = await shopA.admin.get(`/v1/orders/${orderId}/timeline?limit=100`);
    const shipped = timeline.body.items.find((event: { type: string }) => event.type === 'SHIPPED');
    assert.deepEqual(shipped?.actor, { type: 'user', id: `client:${clientId}` });
  });

  it('binds a client to its tenant: the token request cannot choose another; B’s orders are 404, its creates land in A', async () => {
    const { client, clientSecret } = await registerMachineClient({
      tenantId: shopA.tenantId,
      scopes: ['orders:read', 'orders:write', 'fulfilment:write'],
    });
    // Unknown token-request parameters are ignored (RFC 6749 §3.2): the registry names the tenant.
    const token = await tokenFor(
      client.clientId,
      clientSecret,
      `&tenant=${shopB.tenantId}&custom%3Atenant_id=${shopB.tenantId}`,
    );
    const machine = apiClient(twin.url, token);

    const created = await machine.post('/v1/orders', {
      customerId: shopA.customerId,
      currency: 'EUR',
      lines: [{ sku: 'WIDGET', quantity: 1 }],
    });
    assert.equal(created.status, 201, created.text);
    assert.equal((await shopA.admin.get(`/v1/orders/${created.body.id}`)).status, 200);
    assert.equal((await shopB.admin.get(`/v1/orders/${created.body.id}`)).status, 404);

    const orderOfB = await placeOrder(shopB, [{ sku: 'WIDGET', quantity: 1 }]);
    await twin.runner.waitForTaskToken(orderOfB, 'RequestFulfilment');
    assert.equal((await machine.get(`/v1/orders/${orderOfB}`)).status, 404);
    const shipment = await machine.post(`/v1/orders/${orderOfB}/shipments`, {
      carrier: 'DHL',
      trackingNumber: 'X',
    });
    assert.equal(shipment.status, 404, shipment.text);
    const untouched = await shopB.admin.get(`/v1/orders/${orderOfB}`);
    assert.equal(untouched.body.status, 'IN_FULFILMENT');
    assert.deepEqual(untouched.body.shipments ?? [], []);
  });

  it('answers a bad client as RFC 6749 says, with the API’s security headers; lists clients; refuses bad input', async () => {
    const response = await fetch(`${twin.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=nobody&client_secret=nothing',
    });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');

    const list = await cli(['list']);
    assert.equal(list.status, 0, list.stderr);
    assert.match(
      list.stdout,
      new RegExp(`tenant ${shopA.tenantId} {2}partner in-house {2}scopes fulfilment`),
    );

    const refused = await cli(['create', '--tenant', shopA.tenantId, '--scopes', 'fulfilment']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /partnerId: is required with the fulfilment scope/);
  });
});
