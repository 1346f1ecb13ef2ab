import assert from 'node:assert/strict';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import type { HttpLambda } from '../../functions/shared/http/handler';
import { auditRecordsOf } from '../support/audit-records';
import { createTestTables } from '../support/database';
import { type InvokeOptions, invoke, principal, uniqueTenant } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/** GET/PUT /v1/settings/fulfilment-partners: who may, If-Match, the audit trail, the requests made. */
const tables = await createTestTables();
const { handler: get } = await import('../../functions/settings/get');
const { handler: put } = await import('../../functions/settings/put');
const store = await import('../../functions/settings/store');
const { documentClient } = await import('../../functions/shared/db/client');
afterAll(async () => {
  await tables.drop();
});

const requests = requestCounter(tables);

const ROUTE = '/v1/settings/fulfilment-partners';
const RESOURCE = 'settings/fulfilment-partners';

/** Runs the handler as its manifest function: local IAM refuses a request the manifest does not grant. */
async function call(handler: HttpLambda, operationId: string, options: InvokeOptions) {
  const { response, byCommand } = await requests.run(operationId, () => invoke(handler, options));
  return { ...response, requests: byCommand };
}
const read = (who: Principal) =>
  call(get, 'getFulfilmentPartners', { routeKey: `GET ${ROUTE}`, principal: who });
const save = (who: Principal, body: unknown, ifMatch?: string) =>
  call(put, 'putFulfilmentPartners', {
    routeKey: `PUT ${ROUTE}`,
    body,
    headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
    principal: who,
  });

describe('the fulfilment-partner routing of a tenant', () => {
  it('is in-house for everything until an admin saves one (version 0); admin and finance read it, no one else', async () => {
    const tenant = uniqueTenant('fp');
    for (const who of [principal(tenant, ['admin']), principal(tenant, ['finance'], 'fiona')]) {
      const res = await read(who);
      assert.equal(res.status, 200);
      assert.equal(res.headers.etag, '"0"');
      assert.deepEqual(res.body, {
        defaultPartnerId: 'in-house',
        byCategory: {},
        byCustomer: {},
        version: 0,
      });
      assert.deepEqual(res.requests, { GetItemCommand: 1 });
    }
    const partner = { ...principal(tenant, ['fulfilment'], 'wh'), partnerId: 'in-house' };
    for (const who of [partner, principal(tenant, ['sales']), principal(tenant, ['approver'])])
      assert.equal((await read(who)).status, 403, who.roles.join());
  });

  it('is replaced by an admin only, with If-Match; each changed field leaves an audit record in the same write', async () => {
    const tenant = uniqueTenant('fp');
    const admin = principal(tenant, ['admin'], 'ada');
    const routing = {
      defaultPartnerId: 'acme-logistics',
      byCategory: { machines: 'heavy-haul' },
      byCustomer: {},
    };

    assert.equal((await save(principal(tenant, ['finance'], 'fiona'), routing, '"0"')).status, 403);
    const unconditional = await save(admin, routing);
    assert.equal(unconditional.status, 428);
    const stale = await save(admin, routing, '"3"');
    assert.equal(stale.status, 412);
    assert.equal(stale.body.currentVersion, 0);
    assert.deepEqual(await auditRecordsOf(tenant, RESOURCE), [], 'a refused save leaves no record');

    const saved = await save(admin, routing, '"0"');
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.headers.etag, '"1"');
    assert.deepEqual(
      { ...saved.body, updatedAt: undefined },
      { ...routing, version: 1, updatedAt: undefined, updatedBy: 'ada' },
    );
    assert.deepEqual(saved.requests, { GetItemCommand: 1, TransactWriteItemsCommand: 1 });

    const records = await auditRecordsOf(tenant, RESOURCE);
    assert.deepEqual(
      records.map((r) => [r.field, r.before, r.after]).sort(),
      [
        ['byCategory', {}, { machines: 'heavy-haul' }],
        ['defaultPartnerId', 'in-house', 'acme-logistics'],
      ],
      'the unchanged byCustomer has no record',
    );
    for (const record of records) {
      assert.equal(record.actor, 'ada');
      assert.equal(record.operation, 'putFulfilmentPartners');
      assert.equal(record.at, saved.body.updatedAt);
      assert.equal(typeof record.requestId, 'string');
      assert.ok((record.requestId as string).length > 0);
    }

    assert.equal((await save(admin, { ...routing, defaultPartnerId: 'other' }, '"0"')).status, 412);
    const same = await save(admin, routing, '"1"');
    assert.equal(same.status, 200);
    assert.equal(same.body.version, 2, 'a save takes a new version even when nothing changed');
    assert.equal((await auditRecordsOf(tenant, RESOURCE)).length, 2, '…and leaves no record then');

    const now = await read(admin);
    assert.equal(now.headers.etag, '"2"');
    assert.deepEqual({ ...now.body, updatedAt: undefined }, { ...same.body, updatedAt: undefined });
  });

  it('reads an item that does not say who saved it as the routing, its version and time, and no updatedBy', async () => {
    const tenant = uniqueTenant('fp');
    const routing = {
      defaultPartnerId: 'acme-logistics',
      byCategory: { machines: 'heavy-haul' },
      byCustomer: {},
    };
    await documentClient.send(
      new PutCommand({
        TableName: tables.domain,
        Item: {
          ...store.partnerRoutingKey(tenant),
          entity: 'SETTINGS',
          tenantId: tenant,
          ...routing,
          version: 3,
          updatedAt: '2026-03-01T10:00:00.000Z',
        },
      }),
    );
    const expected = { ...routing, version: 3, updatedAt: '2026-03-01T10:00:00.000Z' };
    const stored = await store.getPartnerRouting(tenant, { consistentRead: true });
    assert.deepEqual(stored, { routing, version: 3, updatedAt: '2026-03-01T10:00:00.000Z' });
    assert.deepEqual(store.toFulfilmentPartners(stored), expected);
    const res = await read(principal(tenant, ['admin']));
    assert.equal(res.status, 200);
    assert.equal(res.headers.etag, '"3"');
    assert.deepEqual(res.body, expected);
    // Never saved: the defaults, version 0, neither when nor by whom.
    assert.deepEqual(store.toFulfilmentPartners(await store.getPartnerRouting(uniqueTenant('fp'))), {
      defaultPartnerId: 'in-house',
      byCategory: {},
      byCustomer: {},
      version: 0,
    });
  });

  it('lets one of two admins saving from the same version win; the other gets 412 and leaves no record', async () => {
    const tenant = uniqueTenant('fp');
    const [ada, bea] = [principal(tenant, ['admin'], 'ada'), principal(tenant, ['admin'], 'bea')];
    const answers = await Promise.all([
      save(ada, { defaultPartnerId: 'ada-choice' }, '"0"'),
      save(bea, { defaultPartnerId: 'bea-choice' }, '"0"'),
    ]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 412]);
    const winner = answers.find((a) => a.status === 200);
    assert.equal(answers.find((a) => a.status === 412)?.body.currentVersion, 1);
    const records = await auditRecordsOf(tenant, RESOURCE);
    assert.deepEqual(
      records.map((r) => [r.actor, r.after]),
      [[winner?.body.updatedBy, winner?.body.defaultPartnerId]],
    );
    assert.equal((await read(ada)).body.defaultPartnerId, winner?.body.defaultPartnerId);
  });

  it('refuses partner ids a token could not carry and customers that are no ids, naming the field (400)', async () => {
    const tenant = uniqueTenant('fp');
    const admin = principal(tenant, ['admin'], 'ada');
    const bad = await save(admin, { defaultPartnerId: 'Acme Logistics' }, '"0"');
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.errors.map((e: { field: string }) => e.field),
      ['body.defaultPartnerId'],
    );
    const customer = await save(admin, { defaultPartnerId: 'a', byCustomer: { 'not-an-id': 'b' } }, '"0"');
    assert.equal(customer.status, 400);
    assert.equal((await read(admin)).body.version, 0, 'nothing saved');
  });
});
