import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, describe, it } from 'vitest';
import { newLocalSecretKey, SECRET_KEY_ENV } from '../../functions/shared/secrets/sealed-secret';
import { getEndpointRecord } from '../../functions/webhooks/endpoints/store';
import { ALLOW_PRIVATE_WEBHOOK_URLS_ENV, guardedLookup } from '../../functions/webhooks/url-policy';
import { countItems, createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';

/**
 * AWS mode (ORDERLY_WEBHOOK_ALLOW_PRIVATE unset): an endpoint pointing at this machine, a private
 * network or the metadata service is refused at registration (422, nothing written), and a
 * connection through `guardedLookup` to a host that resolves to such an address never opens.
 */
const tables = await createTestTables();
process.env[SECRET_KEY_ENV] = newLocalSecretKey();
const { handler: create } = await import('../../functions/webhooks/endpoints/create');
const { handler: update } = await import('../../functions/webhooks/endpoints/update');
const dynamo = new DynamoDBClient({});
afterAll(async () => {
  dynamo.destroy();
  await tables.drop();
});
const awsMode = () => delete process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV];
afterEach(awsMode);

const ROUTE = '/v1/webhooks/endpoints';
const itemCount = () =>
  countItems(
    dynamo,
    Object.values(tables).filter((v) => typeof v === 'string'),
  );

describe('webhook URLs in AWS mode', () => {
  it('refuses private, loopback, link-local and plain-http URLs at registration: 422, nothing written', async () => {
    awsMode();
    const admin = principal(uniqueTenant('wh-aws'), ['admin']);
    const before = await itemCount();
    for (const url of [
      'http://example.com/hooks',
      'https://127.0.0.1/hooks',
      'https://localhost/hooks',
      'https://localhost:8443/hooks',
      'https://10.1.2.3/hooks',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::1]/hooks',
      'https://[::ffff:127.0.0.1]/hooks',
      'https://user:pass@example.com/hooks',
    ]) {
      const res = await invoke(create, {
        routeKey: `POST ${ROUTE}`,
        body: { url, eventTypes: ['order.*'] },
        principal: admin,
      });
      assert.equal(res.status, 422, `${url}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.type, 'urn:orderly:problem:webhook-url-not-allowed');
      assert.equal(res.body.errors[0].field, 'body.url');
    }
    assert.equal(await itemCount(), before, 'nothing written');
  });

  it('refuses a change of the URL to a private address, leaving the endpoint as it was', async () => {
    process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] = 'true';
    const tenant = uniqueTenant('wh-aws');
    const admin = principal(tenant, ['admin']);
    const created = await invoke(create, {
      routeKey: `POST ${ROUTE}`,
      body: { url: 'https://10.1.2.3/hooks', eventTypes: ['order.*'] },
      principal: admin,
    });
    assert.equal(created.status, 201);
    awsMode();
    const res = await invoke(update, {
      routeKey: `PATCH ${ROUTE}/{endpointId}`,
      pathParameters: { endpointId: created.body.id },
      body: { url: 'https://192.168.0.10/hooks' },
      headers: { 'if-match': '"1"' },
      principal: admin,
    });
    assert.equal(res.status, 422);
    const record = await getEndpointRecord(tenant, created.body.id);
    assert.equal(record?.url, 'https://10.1.2.3/hooks');
    assert.equal(record?.version, 1);
  });

  it('connects through guardedLookup only to public addresses, unless private ones are allowed', async () => {
    let connections = 0;
    const server = createServer((_req, res) => res.end('ok'));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const get = () =>
      new Promise<string>((resolve, reject) => {
        const req = request(
          { host: 'localhost', port, path: '/', family: 4, lookup: guardedLookup },
          (res) => {
            res.resume();
            res.on('end', () => resolve(String(res.statusCode)));
          },
        );
        req.on('error', reject);
        req.end();
      });
    try {
      awsMode();
      await assert.rejects(get(), (error: NodeJS.ErrnoException) => {
        assert.equal(error.code, 'EPRIVATEADDRESS');
        assert.match(error.message, /localhost resolves to 127\.0\.0\.1, which is not a public address/);
        return true;
      });
      assert.equal(connections, 0, 'no connection was opened');
      process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] = 'true';
      assert.equal(await get(), '200');
      assert.equal(connections, 1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
