import assert from 'node:assert/strict';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import type { HttpLambda } from '../../functions/shared/http/handler';
import { auditRecordsOf } from '../support/audit-records';
import { createTestTables } from '../support/database';
import { fakeContext, type InvokeOptions, invoke, principal, uniqueTenant } from '../support/invoke';
import { meteredFunctions } from '../support/metered';
import { changeRecord, needItem } from '../support/sales-items';

/**
 * GET/PUT /v1/settings/tenant (the time zone reports cut periods in): who may, If-Match, the audit
 * trail; and what a change does to the aggregates — records changed after it move to the new
 * zone's periods, records not changed since stay where they were counted.
 */
const tables = await createTestTables();
const metered = meteredFunctions(tables);
const { handler: get } = await import('../../functions/settings/tenant-get');
const { handler: put } = await import('../../functions/settings/tenant-put');
const { handler: aggregate } = await import('../../functions/aggregates/aggregate-sales');
const { handler: summary } = await import('../../functions/reports/needs-summary');
const { readSetting } = await import('../../functions/shared/db/tenant-setting');
const { tenantSettingsKey } = await import('../../functions/settings/tenant-store');
const { documentClient, domainTableName } = await import('../../functions/shared/db/client');
const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
// No cached zone, and a change in force at once: this file changes zones and aggregates right after.
process.env.TENANT_SETTINGS_CACHE_SECONDS = '0';
afterAll(async () => {
  delete process.env.TENANT_SETTINGS_CACHE_SECONDS;
  await tables.drop();
});

const ROUTE = '/v1/settings/tenant';

async function call(handler: HttpLambda, operationId: string, options: InvokeOptions) {
  const { response, byCommand } = await metered.run(operationId, () => invoke(handler, options));
  return { ...response, requests: byCommand };
}
const read = (who: Principal) => call(get, 'getTenantSettings', { routeKey: `GET ${ROUTE}`, principal: who });
const save = (who: Principal, body: unknown, ifMatch?: string) =>
  call(put, 'putTenantSettings', {
    routeKey: `PUT ${ROUTE}`,
    body,
    headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
    principal: who,
  });

describe('the tenant’s settings', () => {
  it('are UTC until an admin saves a zone; whoever reads reports may read them', async () => {
    const tenant = uniqueTenant('ts');
    for (const role of ['admin', 'finance', 'sales', 'analyst'] as const) {
      const res = await read(principal(tenant, [role]));
      assert.equal(res.status, 200, role);
      assert.equal(res.headers.etag, '"0"');
      assert.deepEqual(res.body, {
        timeZone: 'UTC',
        timeZoneHistory: [{ timeZone: 'UTC', from: '1970-01-01T00:00:00.000Z' }],
        analysisSchedule: { enabled: true, cron: '0 2 * * *' },
        version: 0,
      });
      assert.deepEqual(res.requests, { GetItemCommand: 1 });
    }
    for (const role of ['approver', 'fulfilment', 'integration'] as const)
      assert.equal((await read(principal(tenant, [role]))).status, 403, role);
  });

  it('read from an item that never recorded who saved it and when: its version alone, no empty fields', async () => {
    const key = tenantSettingsKey(uniqueTenant('ts'));
    const item = { ...key, timeZone: 'Europe/Paris', version: 3 };
    await documentClient.send(new PutCommand({ TableName: domainTableName(), Item: item }));
    assert.deepStrictEqual(await readSetting(key, { consistentRead: true }), { item, version: 3 });
    const saved = { ...item, version: 4, updatedAt: '2026-12-01T10:00:00.000Z', updatedBy: 'ann' };
    await documentClient.send(new PutCommand({ TableName: domainTableName(), Item: saved }));
    assert.deepStrictEqual(await readSetting(key, { consistentRead: true }), {
      item: saved,
      version: 4,
      updatedAt: '2026-12-01T10:00:00.000Z',
      updatedBy: 'ann',
    });
  });

  it('are replaced by an admin with If-Match, the zone in one spelling, the change audited', async () => {
    const tenant = uniqueTenant('ts');
    const admin = principal(tenant, ['admin'], 'ada');
    assert.equal(
      (await save(principal(tenant, ['analyst']), { timeZone: 'Europe/Berlin' }, '"0"')).status,
      403,
    );
    assert.equal((await save(admin, { timeZone: 'Europe/Berlin' })).status, 428);
    assert.equal((await save(admin, { timeZone: 'Europe/Berlin' }, '"4"')).status, 412);
    for (const timeZone of ['Mars/Olympus', '+02:00', '', 42]) {
      const bad = await save(admin, { timeZone }, '"0"');
      assert.equal(bad.status, 400, String(timeZone));
      assert.equal(bad.body.errors[0].field, 'body.timeZone');
    }
    assert.equal((await save(admin, { timeZone: 'UTC', extra: 1 }, '"0"')).status, 400);
    assert.deepEqual(await auditRecordsOf(tenant, 'settings/tenant'), [], 'nothing refused left a record');

    const saved = await save(admin, { timeZone: 'europe/berlin' }, '"0"');
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.headers.etag, '"1"');
    assert.equal(saved.body.timeZone, 'Europe/Berlin');
    assert.deepEqual(
      saved.body.timeZoneHistory.map((span: { timeZone: string }) => span.timeZone),
      ['UTC', 'Europe/Berlin'],
    );
    // The settings, and the analysis schedule a save moves (test/integration/analysis-runs-schedule.test.ts).
    assert.deepEqual(saved.requests, { GetItemCommand: 2, TransactWriteItemsCommand: 1 });
    const [record] = await auditRecordsOf(tenant, 'settings/tenant');
    assert.deepEqual(
      [record?.field, record?.before, record?.after, record?.actor],
      ['timeZone', 'UTC', 'Europe/Berlin', 'ada'],
    );

    const again = await save(admin, { timeZone: 'Europe/Berlin' }, '"1"');
    assert.equal(again.body.version, 2);
    assert.equal(again.body.timeZoneHistory.length, 2, 'the same zone again adds no span');
    assert.deepEqual((await read(admin)).body, again.body);
  });

  it('moves a record to the new zone’s periods when it changes after the change, and leaves the others', async () => {
    const tenant = uniqueTenant('tz');
    const admin = principal(tenant, ['admin'], 'ada');
    const deliver = async (records: DynamoDBRecord[]) => {
      const { response } = await metered.run('aggregateSales', () =>
        aggregate({ Records: records }, fakeContext()),
      );
      assert.deepEqual(response, { batchItemFailures: [] });
    };
    const days = async () => {
      const res = await call(summary, 'getNeedsSummary', {
        routeKey: 'GET /v1/analysis/needs/summary',
        query: { period: 'day', from: '2026-03-30', to: '2026-04-03' },
        principal: admin,
      });
      return Object.fromEntries(
        res.body.rows.map((r: { period: string; needs: number }) => [r.period, r.needs]),
      );
    };
    // Both received at 22:30 UTC on 31 March: still the 31st in UTC, already 1 April in Berlin.
    const received = '2026-03-31T22:30:00.000Z';
    const a = needItem(tenant, {
      id: '01JTZ00000000000000000000A',
      receivedAt: received,
      updatedAt: received,
    });
    const b = needItem(tenant, {
      id: '01JTZ00000000000000000000B',
      receivedAt: received,
      updatedAt: received,
    });
    await deliver([changeRecord(undefined, a), changeRecord(undefined, b)]);
    assert.deepEqual(await days(), { '2026-03-31': 2 });

    const saved = await save(admin, { timeZone: 'Europe/Berlin' }, '"0"');
    const from = saved.body.timeZoneHistory[1].from as string;
    const later = new Date(Date.parse(from) + 1000).toISOString();
    const changed = { ...a, status: 'QUALIFIED', updatedAt: later, version: 2 };
    await deliver([changeRecord(a, changed)]);
    assert.deepEqual(await days(), { '2026-03-31': 1, '2026-04-01': 1 }, 'a moved, b stayed');
    const res = await call(summary, 'getNeedsSummary', {
      routeKey: 'GET /v1/analysis/needs/summary',
      query: {},
      principal: admin,
    });
    assert.equal(res.body.timeZone, 'Europe/Berlin');

    // Deleted, it leaves exactly the period it was counted in last.
    await deliver([changeRecord(changed, undefined), changeRecord(b, undefined)]);
    assert.deepEqual(await days(), {});
  });
});
