import assert from 'node:assert/strict';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import { documentClient, domainTableName } from '../../functions/shared/db/client';
import type { HttpLambda } from '../../functions/shared/http/handler';
import { newLocalSecretKey, SECRET_KEY_ENV } from '../../functions/shared/secrets/sealed-secret';
import { signedHeaders } from '../../functions/shared/signing/standard-webhooks';
import { SECRET_OVERLAP_ENV } from '../../functions/webhooks/endpoints/endpoint-secrets';
import { MAX_ENDPOINTS_PER_TENANT } from '../../functions/webhooks/endpoints/schemas';
import {
  endpointKey,
  getEndpointRecord,
  listEndpointRecords,
  signingSecrets,
  toEndpoint,
} from '../../functions/webhooks/endpoints/store';
import { ALLOW_PRIVATE_WEBHOOK_URLS_ENV } from '../../functions/webhooks/url-policy';
import { createTestTables } from '../support/database';
import { type InvokeOptions, invoke, principal, uniqueTenant } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/** /v1/webhooks/endpoints: CRUD, the secret shown once and sealed at rest, rotation, If-Match, the limit, tenants. */
const tables = await createTestTables();
process.env[SECRET_KEY_ENV] = newLocalSecretKey();
process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] = 'true';
delete process.env[SECRET_OVERLAP_ENV];
const handlers = {
  create: (await import('../../functions/webhooks/endpoints/create')).handler,
  list: (await import('../../functions/webhooks/endpoints/list')).handler,
  get: (await import('../../functions/webhooks/endpoints/get')).handler,
  update: (await import('../../functions/webhooks/endpoints/update')).handler,
  remove: (await import('../../functions/webhooks/endpoints/delete')).handler,
  rotate: (await import('../../functions/webhooks/endpoints/rotate-secret')).handler,
};
afterAll(() => tables.drop());

const requests = requestCounter(tables);
const ROUTE = '/v1/webhooks/endpoints';
const ITEM = `${ROUTE}/{endpointId}`;

/** Runs the handler as its manifest function: local IAM refuses a request the manifest does not grant. */
async function call(handler: HttpLambda, operationId: string, options: InvokeOptions) {
  const { response, byCommand } = await requests.run(operationId, () => invoke(handler, options));
  return { ...response, requests: byCommand };
}
const api = (who: Principal) => ({
  create: (body: unknown) =>
    call(handlers.create, 'createWebhookEndpoint', { routeKey: `POST ${ROUTE}`, body, principal: who }),
  list: () => call(handlers.list, 'listWebhookEndpoints', { routeKey: `GET ${ROUTE}`, principal: who }),
  get: (endpointId: string) =>
    call(handlers.get, 'getWebhookEndpoint', {
      routeKey: `GET ${ITEM}`,
      pathParameters: { endpointId },
      principal: who,
    }),
  update: (endpointId: string, body: unknown, ifMatch?: string) =>
    call(handlers.update, 'updateWebhookEndpoint', {
      routeKey: `PATCH ${ITEM}`,
      pathParameters: { endpointId },
      body,
      headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
      principal: who,
    }),
  remove: (endpointId: string) =>
    call(handlers.remove, 'deleteWebhookEndpoint', {
      routeKey: `DELETE ${ITEM}`,
      pathParameters: { endpointId },
      principal: who,
    }),
  rotate: (endpointId: string) =>
    call(handlers.rotate, 'rotateWebhookEndpointSecret', {
      routeKey: `POST ${ITEM}/rotate-secret`,
      pathParameters: { endpointId },
      principal: who,
    }),
});

const endpointBody = (n = 1) => ({
  url: `http://127.0.0.1:${9000 + n}/hooks`,
  description: `Receiver ${n}`,
  eventTypes: ['order.*'],
});

/** What a receiver holding only `secret` makes of a message Orderly signs with the endpoint's secrets now. */
function verifiesWith(secret: string, signing: string[]): boolean {
  const body = JSON.stringify({ id: 'o1.000001', type: 'order.created' });
  const headers = signedHeaders(signing, 'o1.000001', Math.floor(Date.now() / 1000), body);
  try {
    new Webhook(secret).verify(body, { ...headers });
    return true;
  } catch {
    return false;
  }
}

describe('webhook endpoints', () => {
  it('are created with a secret shown once, stored sealed, and never shown again', async () => {
    const tenant = uniqueTenant('wh');
    const admin = api(principal(tenant, ['admin']));
    const created = await admin.create({ ...endpointBody(), partnerId: 'in-house' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.requests, { TransactWriteItemsCommand: 1 });
    const { secret, ...endpoint } = created.body;
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(created.headers.etag, '"1"');
    assert.deepEqual(
      { ...endpoint, id: undefined, createdAt: undefined, updatedAt: undefined },
      {
        ...endpointBody(),
        enabled: true,
        partnerId: 'in-house',
        version: 1,
        id: undefined,
        createdAt: undefined,
        updatedAt: undefined,
      },
    );

    const raw = await documentClient.send(
      new GetCommand({ TableName: domainTableName(), Key: endpointKey(tenant, endpoint.id) }),
    );
    assert.equal(raw.Item?.entity, 'WEBHOOK_ENDPOINT');
    assert.equal(raw.Item?.pk, `T#${tenant}#WEBHOOK_ENDPOINTS`);
    assert.ok(!JSON.stringify(raw.Item).includes(secret.slice(6)), 'the secret is not stored in the clear');
    assert.match(raw.Item?.secrets[0].sealed, /^local:v1:/);

    const record = await getEndpointRecord(tenant, endpoint.id);
    assert.ok(record);
    assert.deepEqual(await signingSecrets(record, new Date()), [secret]);

    const read = await admin.get(endpoint.id);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, endpoint);
    assert.deepEqual(read.requests, { GetItemCommand: 1 });
    const listed = await admin.list();
    assert.deepEqual(listed.body, { items: [endpoint] });
    assert.deepEqual(listed.requests, { QueryCommand: 1 });
    for (const shown of [JSON.stringify(read.body), JSON.stringify(listed.body)])
      assert.ok(!/secret"|sealed/.test(shown), 'no secret on reads');
  });

  it('refuses bad input with a 400 naming the field, writing nothing', async () => {
    const tenant = uniqueTenant('wh');
    const admin = api(principal(tenant, ['admin']));
    const cases: [unknown, string][] = [
      [{ ...endpointBody(), url: 'not a url' }, 'body.url'],
      [{ ...endpointBody(), eventTypes: [] }, 'body.eventTypes'],
      [{ ...endpointBody(), eventTypes: ['order.shiped'] }, 'body.eventTypes.0'],
      [{ ...endpointBody(), eventTypes: Array(51).fill('order.*') }, 'body.eventTypes'],
      [{ ...endpointBody(), partnerId: 'Not A Partner' }, 'body.partnerId'],
      [{ ...endpointBody(), secret: 'whsec_mine' }, 'body'],
      [{ ...endpointBody(), description: 'two\nlines' }, 'body.description'],
    ];
    for (const [body, field] of cases) {
      const res = await admin.create(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(
        res.body.errors.some((e: { field: string }) => e.field === field || e.field.startsWith(`${field}.`)),
        `${field}: ${JSON.stringify(res.body.errors)}`,
      );
    }
    const fragment = await admin.create({ ...endpointBody(), url: 'http://127.0.0.1:9001/hooks#x' });
    assert.equal(fragment.status, 422);
    assert.equal(fragment.body.type, 'urn:orderly:problem:webhook-url-not-allowed');
    assert.deepEqual(await listEndpointRecords(tenant), []);
  });

  it('change with If-Match by merge patch; enabling clears why it was disabled', async () => {
    const tenant = uniqueTenant('wh');
    const admin = api(principal(tenant, ['admin']));
    const { id } = (await admin.create({ ...endpointBody(), partnerId: 'in-house' })).body;

    assert.equal((await admin.update(id, { enabled: false })).status, 428);
    const stale = await admin.update(id, { enabled: false }, '"7"');
    assert.equal(stale.status, 412);
    assert.equal(stale.body.currentVersion, 1);
    assert.equal((await admin.update(id, {}, '"1"')).status, 400);
    assert.equal((await admin.update(id, { url: 'ftp://x/' }, '"1"')).status, 400);

    const changed = await admin.update(
      id,
      {
        url: 'http://localhost:9100/new',
        description: null,
        partnerId: null,
        eventTypes: ['*'],
        enabled: false,
      },
      '"1"',
    );
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.headers.etag, '"2"');
    assert.deepEqual(changed.requests, { UpdateItemCommand: 1 });
    assert.equal(changed.body.url, 'http://localhost:9100/new');
    assert.equal(changed.body.enabled, false);
    assert.deepEqual(changed.body.eventTypes, ['*']);
    assert.equal('description' in changed.body, false);
    assert.equal('partnerId' in changed.body, false);
    assert.equal('secrets' in changed.body, false);

    // The delivery worker disables a failing endpoint: written as it writes it.
    await documentClient.send(
      new UpdateCommand({
        TableName: domainTableName(),
        Key: endpointKey(tenant, id),
        UpdateExpression: 'SET disabledReason = :r, disabledAt = :t, failingSince = :t',
        ExpressionAttributeValues: { ':r': 'failing', ':t': '2026-01-01T00:00:00.000Z' },
      }),
    );
    const disabled = await admin.get(id);
    assert.equal(disabled.body.disabledReason, 'failing');
    assert.equal(disabled.body.failingSince, '2026-01-01T00:00:00.000Z');

    const enabled = await admin.update(id, { enabled: true }, '"2"');
    assert.equal(enabled.status, 200);
    assert.equal(enabled.body.enabled, true);
    for (const field of ['disabledReason', 'disabledAt', 'failingSince'])
      assert.equal(field in enabled.body, false, field);
    assert.equal((await admin.update('01J00000000000000000000000', { enabled: true }, '"1"')).status, 404);
  });

  it('rotate their secret: during the overlap the old and the new secret both verify, then only the new', async () => {
    const tenant = uniqueTenant('wh');
    const admin = api(principal(tenant, ['admin']));
    const created = (await admin.create(endpointBody())).body;
    const before = Date.now();
    const rotated = await admin.rotate(created.id);
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    assert.deepEqual(rotated.requests, { GetItemCommand: 1, UpdateItemCommand: 1 });
    assert.notEqual(rotated.body.secret, created.secret);
    assert.equal(rotated.body.version, 2);
    assert.equal(rotated.headers.etag, '"2"');
    const expires = Date.parse(rotated.body.previousSecretExpiresAt);
    assert.ok(expires >= before + 86_400_000 && expires <= Date.now() + 86_400_000);

    const record = await getEndpointRecord(tenant, created.id);
    assert.ok(record);
    const signing = await signingSecrets(record, new Date());
    assert.deepEqual(signing, [rotated.body.secret, created.secret], 'current first');
    assert.ok(verifiesWith(created.secret, signing), 'a receiver holding only the old secret verifies');
    assert.ok(verifiesWith(rotated.body.secret, signing), 'a receiver holding only the new secret verifies');
    const after = await signingSecrets(record, new Date(expires + 1));
    assert.deepEqual(after, [rotated.body.secret], 'once the overlap is over, the new one only');
    assert.equal(verifiesWith(created.secret, after), false);
    assert.equal(
      toEndpoint(record, new Date(expires)).previousSecretExpiresAt,
      undefined,
      'shown while it signs',
    );

    const again = await admin.rotate(created.id);
    const latest = await getEndpointRecord(tenant, created.id);
    assert.ok(latest);
    assert.equal(latest.secrets.length, 2, 'at most two live secrets');
    assert.deepEqual(await signingSecrets(latest, new Date()), [again.body.secret, rotated.body.secret]);
    assert.equal(
      (await admin.get(created.id)).body.previousSecretExpiresAt,
      again.body.previousSecretExpiresAt,
    );
    assert.equal((await admin.rotate('01J00000000000000000000000')).status, 404);
  });

  it('rotate concurrently without losing a secret that was answered as current', async () => {
    const tenant = uniqueTenant('wh');
    const admin = api(principal(tenant, ['admin']));
    const { id } = (await admin.create(endpointBody())).body;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        invoke(handlers.rotate, {
          routeKey: `POST ${ITEM}/rotate-secret`,
          pathParameters: { endpointId: id },
          principal: principal(tenant, ['admin']),
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    assert.ok(
      statuses.every((s) => s === 200 || s === 409),
      statuses.join(),
    );
    const rotatedTo = answers.filter((a) => a.status === 200).map((a) => a.body.secret);
    assert.ok(rotatedTo.length >= 1);
    const record = await getEndpointRecord(tenant, id);
    assert.ok(record);
    assert.equal(record.version, 1 + rotatedTo.length, 'one version per answered rotation');
    const [current] = await signingSecrets(record, new Date());
    assert.ok(rotatedTo.includes(current), 'the current secret is one a caller was given');
    assert.equal(record.secrets.length, 2);
  });

  it('are deleted (204, then 404), giving their place back; at most 20 per tenant', async () => {
    const tenant = uniqueTenant('wh');
    const admin = api(principal(tenant, ['admin']));
    const ids: string[] = [];
    for (let n = 0; n < MAX_ENDPOINTS_PER_TENANT; n++) {
      const res = await admin.create(endpointBody(n));
      assert.equal(res.status, 201);
      ids.push(res.body.id);
    }
    const over = await admin.create(endpointBody(99));
    assert.equal(over.status, 409);
    assert.equal(over.body.type, 'urn:orderly:problem:too-many-webhook-endpoints');
    assert.equal(over.body.title, 'Too many webhook endpoints');
    assert.equal(over.body.limit, MAX_ENDPOINTS_PER_TENANT);
    assert.equal((await listEndpointRecords(tenant)).length, MAX_ENDPOINTS_PER_TENANT);
    assert.deepEqual(
      (await admin.list()).body.items.map((e: { id: string }) => e.id),
      ids,
      'oldest first',
    );

    const removed = await admin.remove(ids[0] as string);
    assert.equal(removed.status, 204);
    assert.equal(removed.body, '');
    assert.deepEqual(removed.requests, { TransactWriteItemsCommand: 1 });
    assert.equal((await admin.get(ids[0] as string)).status, 404);
    assert.equal((await admin.remove(ids[0] as string)).status, 404);
    assert.equal((await admin.create(endpointBody(21))).status, 201, 'the place is free again');
    assert.equal((await admin.create(endpointBody(22))).status, 409);
  });

  it('concurrent creates never pass the limit', async () => {
    const tenant = uniqueTenant('wh');
    const admin = api(principal(tenant, ['admin']));
    const results = await Promise.all(
      Array.from({ length: MAX_ENDPOINTS_PER_TENANT + 5 }, (_, n) =>
        invoke(handlers.create, {
          routeKey: `POST ${ROUTE}`,
          body: endpointBody(n),
          principal: principal(tenant, ['admin']),
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, MAX_ENDPOINTS_PER_TENANT, statuses.join());
    assert.ok(
      statuses.every((s) => s === 201 || s === 409),
      statuses.join(),
    );
    assert.equal((await admin.list()).body.items.length, MAX_ENDPOINTS_PER_TENANT);
  });

  it('belong to their tenant: another tenant neither sees nor changes them', async () => {
    const a = uniqueTenant('wh-a');
    const b = uniqueTenant('wh-b');
    const adminA = api(principal(a, ['admin']));
    const adminB = api(principal(b, ['admin']));
    const { id } = (await adminA.create(endpointBody())).body;
    assert.equal((await adminB.get(id)).status, 404);
    assert.deepEqual((await adminB.list()).body, { items: [] });
    assert.equal((await adminB.update(id, { enabled: false }, '"1"')).status, 404);
    assert.equal((await adminB.rotate(id)).status, 404);
    assert.equal((await adminB.remove(id)).status, 404);
    const still = await adminA.get(id);
    assert.equal(still.status, 200);
    assert.equal(still.body.version, 1);
    assert.equal(still.body.enabled, true);
  });

  it('are for admins and integrations with the webhooks scopes only', async () => {
    const tenant = uniqueTenant('wh');
    const integration = (scopes: string[]) => api({ ...principal(tenant, ['integration']), scopes });
    const writer = integration(['webhooks:write']);
    const created = await writer.create(endpointBody());
    assert.equal(created.status, 201);
    assert.equal((await integration(['webhooks:read']).get(created.body.id)).status, 200);
    assert.equal((await integration(['webhooks:read']).create(endpointBody())).status, 403);
    assert.equal((await integration(['webhooks:write']).list()).status, 403);
    for (const role of ['sales', 'finance', 'analyst', 'approver', 'fulfilment'] as const) {
      const who = api({
        ...principal(tenant, [role]),
        ...(role === 'fulfilment' ? { partnerId: 'in-house' } : {}),
      });
      assert.equal((await who.list()).status, 403, role);
      assert.equal((await who.create(endpointBody())).status, 403, role);
    }
  });
});
