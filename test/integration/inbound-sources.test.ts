import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { secretContext, sourceKey, sourceLookupKey } from '../../functions/inbound/keys';
import { MAX_INBOUND_SOURCES_PER_TENANT } from '../../functions/inbound/schemas';
import type { Principal } from '../../functions/shared/auth/principal';
import { documentClient, domainTableName } from '../../functions/shared/db/client';
import type { HttpLambda } from '../../functions/shared/http/handler';
import { newLocalSecretKey, openSecret, SECRET_KEY_ENV } from '../../functions/shared/secrets/sealed-secret';
import { SECRET_OVERLAP_ENV } from '../../functions/webhooks/endpoints/endpoint-secrets';
import { createTestTables } from '../support/database';
import { type InvokeOptions, invoke, principal, uniqueTenant } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/** /v1/webhooks/inbound-sources: the secret shown once and sealed at rest, the global lookup, rotation, the limit, tenants. */
const tables = await createTestTables();
process.env[SECRET_KEY_ENV] = newLocalSecretKey();
delete process.env[SECRET_OVERLAP_ENV];
const handlers = {
  create: (await import('../../functions/inbound/create')).handler,
  list: (await import('../../functions/inbound/list')).handler,
  remove: (await import('../../functions/inbound/delete')).handler,
  rotate: (await import('../../functions/inbound/rotate-secret')).handler,
};
afterAll(() => tables.drop());

const requests = requestCounter(tables);
const ROUTE = '/v1/webhooks/inbound-sources';
const ITEM = `${ROUTE}/{sourceId}`;

/** Runs the handler as its manifest function: local IAM refuses a request the manifest does not grant. */
async function call(handler: HttpLambda, operationId: string, options: InvokeOptions) {
  const { response, byCommand } = await requests.run(operationId, () => invoke(handler, options));
  return { ...response, requests: byCommand };
}
const api = (who: Principal) => ({
  create: (body: unknown) =>
    call(handlers.create, 'createInboundSource', { routeKey: `POST ${ROUTE}`, body, principal: who }),
  list: () => call(handlers.list, 'listInboundSources', { routeKey: `GET ${ROUTE}`, principal: who }),
  remove: (sourceId: string) =>
    call(handlers.remove, 'deleteInboundSource', {
      routeKey: `DELETE ${ITEM}`,
      pathParameters: { sourceId },
      principal: who,
    }),
  rotate: (sourceId: string) =>
    call(handlers.rotate, 'rotateInboundSourceSecret', {
      routeKey: `POST ${ITEM}/rotate-secret`,
      pathParameters: { sourceId },
      principal: who,
    }),
});

const item = async (key: { pk: string; sk: string }) =>
  (
    await documentClient.send(
      new GetCommand({ TableName: domainTableName(), Key: key, ConsistentRead: true }),
    )
  ).Item;

const openAll = async (sourceId: string) => {
  const secrets = ((await item(sourceLookupKey(sourceId)))?.secrets ?? []) as { sealed: string }[];
  return Promise.all(secrets.map((s) => openSecret(s.sealed, secretContext(sourceId))));
};

describe('inbound sources', () => {
  it('are created with a secret shown once, sealed in the global lookup only, and listed without it', async () => {
    const tenant = uniqueTenant('in');
    const admin = api(principal(tenant, ['admin']));
    const created = await admin.create({
      kind: 'fulfilment',
      partnerId: 'acme-logistics',
      description: 'Acme',
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.requests, { TransactWriteItemsCommand: 1 });
    const { secret, ...source } = created.body;
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.deepEqual(
      { ...source, id: undefined, createdAt: undefined, updatedAt: undefined },
      {
        kind: 'fulfilment',
        partnerId: 'acme-logistics',
        description: 'Acme',
        url: `/v1/inbound/fulfilment/${source.id}`,
        version: 1,
        id: undefined,
        createdAt: undefined,
        updatedAt: undefined,
      },
    );

    const tenantItem = await item(sourceKey(tenant, source.id));
    assert.equal(tenantItem?.pk, `T#${tenant}#INBOUND_SOURCES`);
    assert.equal(tenantItem?.secrets, undefined, 'the tenant item holds no secret, sealed or not');
    const lookup = await item(sourceLookupKey(source.id));
    assert.equal(lookup?.pk, `INBOUND_SOURCE#${source.id}`);
    assert.deepEqual(
      { tenantId: lookup?.tenantId, kind: lookup?.kind, partnerId: lookup?.partnerId },
      { tenantId: tenant, kind: 'fulfilment', partnerId: 'acme-logistics' },
    );
    assert.ok(!JSON.stringify(lookup).includes(secret.slice(6)), 'the secret is not stored in the clear');
    assert.deepEqual(await openAll(source.id), [secret]);
    // Bound to its source: under another source's context the sealed value does not open.
    // (Another id: the last character changed, whatever it was — one id in 32 ends with '0'.)
    const otherId = `${source.id.slice(0, -1)}${source.id.endsWith('0') ? '1' : '0'}`;
    await assert.rejects(
      openSecret(lookup?.secrets[0].sealed, secretContext(otherId)),
      /unable to authenticate/i,
    );

    const needs = await admin.create({ kind: 'needs', channel: 'web_form' });
    assert.equal(needs.status, 201, JSON.stringify(needs.body));
    assert.equal(needs.body.url, `/v1/inbound/needs/${needs.body.id}`);
    assert.equal(needs.body.channel, 'web_form');

    const listed = await admin.list();
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.requests, { QueryCommand: 1 });
    assert.deepEqual(
      listed.body.items.map((s: { id: string }) => s.id),
      [source.id, needs.body.id],
    );
    assert.deepEqual(listed.body.items[0], source);
    assert.ok(!/secret"|sealed/.test(JSON.stringify(listed.body)), 'no secret on reads');
  });

  it('refuses a body of the wrong shape (400) and callers other than admins (403), writing nothing', async () => {
    const tenant = uniqueTenant('in');
    const admin = api(principal(tenant, ['admin']));
    const bad = [
      { kind: 'fulfilment' },
      { kind: 'fulfilment', partnerId: 'Not A Partner' },
      { kind: 'needs', partnerId: 'acme' },
      { kind: 'needs', channel: 'pigeon' },
      { kind: 'outbound' },
    ];
    for (const body of bad) {
      const res = await admin.create(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(res.requests, {});
    }
    for (const role of ['sales', 'integration', 'fulfilment'] as const) {
      const res = await api(principal(tenant, [role])).create({ kind: 'needs' });
      assert.equal(res.status, 403, role);
    }
    assert.deepEqual((await admin.list()).body.items, []);
  });

  it('rotate: a new secret, the previous one kept 24 h, never more than two; another tenant gets 404', async () => {
    const tenant = uniqueTenant('in');
    const admin = api(principal(tenant, ['admin']));
    const created = await admin.create({ kind: 'fulfilment', partnerId: 'in-house' });
    const id: string = created.body.id;
    const before = Date.now();
    const first = await admin.rotate(id);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.notEqual(first.body.secret, created.body.secret);
    assert.equal(first.body.version, 2);
    const expires = Date.parse(first.body.previousSecretExpiresAt);
    assert.ok(expires >= before + 86_400_000 && expires <= Date.now() + 86_400_000);
    assert.deepEqual(await openAll(id), [first.body.secret, created.body.secret]);

    const second = await admin.rotate(id);
    assert.equal(second.status, 200);
    assert.deepEqual(await openAll(id), [second.body.secret, first.body.secret]);
    const listed = (await admin.list()).body.items[0];
    assert.equal(listed.version, 3);
    assert.equal(listed.previousSecretExpiresAt, second.body.previousSecretExpiresAt);

    const other = api(principal(uniqueTenant('in'), ['admin']));
    const foreign = await other.rotate(id);
    assert.equal(foreign.status, 404);
    assert.deepEqual(await openAll(id), [second.body.secret, first.body.secret]);
    assert.equal((await admin.rotate('01J00000000000000000000000')).status, 404);
  });

  it('delete removes both items and gives the place back; another tenant cannot', async () => {
    const tenant = uniqueTenant('in');
    const admin = api(principal(tenant, ['admin']));
    const id: string = (await admin.create({ kind: 'needs' })).body.id;

    const foreign = await api(principal(uniqueTenant('in'), ['admin'])).remove(id);
    assert.equal(foreign.status, 404);
    assert.ok(await item(sourceLookupKey(id)));

    const removed = await admin.remove(id);
    assert.equal(removed.status, 204);
    assert.deepEqual(removed.requests, { TransactWriteItemsCommand: 1 });
    assert.equal(await item(sourceLookupKey(id)), undefined);
    assert.equal(await item(sourceKey(tenant, id)), undefined);
    assert.deepEqual((await admin.list()).body.items, []);
    assert.equal((await admin.remove(id)).status, 404);
    assert.equal((await admin.rotate(id)).status, 404);
  });

  it(`holds at most ${MAX_INBOUND_SOURCES_PER_TENANT} per tenant (409), counting deletions`, async () => {
    const tenant = uniqueTenant('in');
    const admin = api(principal(tenant, ['admin']));
    const ids: string[] = [];
    for (let i = 0; i < MAX_INBOUND_SOURCES_PER_TENANT; i++) {
      const res = await admin.create({ kind: 'needs', description: `Form ${i}` });
      assert.equal(res.status, 201);
      ids.push(res.body.id);
    }
    const refused = await admin.create({ kind: 'needs' });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.type, 'urn:orderly:problem:too-many-inbound-sources');
    assert.equal((await admin.list()).body.items.length, MAX_INBOUND_SOURCES_PER_TENANT);
    // Another tenant is not held back by this one.
    assert.equal((await api(principal(uniqueTenant('in'), ['admin'])).create({ kind: 'needs' })).status, 201);
    assert.equal((await admin.remove(ids[0] as string)).status, 204);
    assert.equal((await admin.create({ kind: 'needs' })).status, 201);
  });
});
