import assert from 'node:assert/strict';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import { auditRecordsOf } from '../support/audit-records';
import { createTestTables } from '../support/database';
import { fakeContext, invoke, principal, uniqueTenant } from '../support/invoke';
import { requestCounter } from '../support/request-count';
import { needItem, orderItem } from '../support/sales-items';
import { streamRecord } from '../support/stream-records';

/**
 * The scheduled analysis against DynamoDB Local, each piece run as its manifest function (local
 * IAM checks its grants): a tenant's first need or order gives it a schedule and a due entry; the
 * tenant's settings move it (cron, zone, switch) in their save's transaction; the due job queues a
 * run per due tenant through the API's create path and moves the tenant on — or only moves it
 * when a run is active, or leaves it when its schedule changed meanwhile.
 */
const tables = await createTestTables();
const counter = requestCounter(tables);
afterAll(() => tables.drop());

const { handler: register } = await import('../../functions/analysis/schedule/register-tenants');
const { forgetRegisteredTenants, registerTenant } = await import(
  '../../functions/analysis/schedule/register-tenant'
);
const { queueDueRuns } = await import('../../functions/analysis/schedule/queue-due');
const { scheduleKey, dueKey, DUE_PARTITION } = await import('../../functions/analysis/schedule/keys');
const { handler: dueJob } = await import('../../functions/analysis/schedule/due-job');
const { handler: putSettings } = await import('../../functions/settings/tenant-put');
const { handler: getSettings } = await import('../../functions/settings/tenant-get');
const { handler: createRun } = await import('../../functions/analysis/runs/create');
const { handler: listRuns } = await import('../../functions/analysis/runs/list');
const { activeRunKey } = await import('../../functions/analysis/runs/active-lock');
const { documentClient } = await import('../../functions/shared/db/client');

const DAY = 86_400_000;

const deliver = async (...items: Record<string, unknown>[]) => {
  const { response, byCommand } = await counter.run('registerAnalysisTenants', () =>
    register({ Records: items.map((item) => streamRecord(item)) }, fakeContext()),
  );
  assert.deepEqual(response, { batchItemFailures: [] });
  return byCommand;
};
const need = (tenantId: string, n = 1) =>
  needItem(tenantId, {
    id: `01JNEED00000000000000000${String(n).padStart(2, '0')}`,
    receivedAt: '2026-01-05T10:00:00.000Z',
  });

async function scheduleOf(tenantId: string) {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: tables.domain, Key: scheduleKey(tenantId), ConsistentRead: true }),
  );
  return Item;
}
/** The tenant's due entries (at most one, when all is well). */
async function dueOf(tenantId: string) {
  const { Items = [] } = await documentClient.send(
    new QueryCommand({
      TableName: tables.domain,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': DUE_PARTITION },
      ConsistentRead: true,
    }),
  );
  return Items.filter((item) => item.tenantId === tenantId);
}

async function save(who: Principal, body: Record<string, unknown>, version: number) {
  const { response, byCommand } = await counter.run('putTenantSettings', () =>
    invoke(putSettings, {
      routeKey: 'PUT /v1/settings/tenant',
      body,
      headers: { 'if-match': `"${version}"` },
      principal: who,
    }),
  );
  return { ...response, requests: byCommand };
}
const runsOf = async (who: Principal) =>
  (
    await counter.run('listAnalysisRuns', () =>
      invoke(listRuns, { routeKey: 'GET /v1/analysis/runs', principal: who }),
    )
  ).response.body.items;
const pass = async (now: Date) =>
  (await counter.run('queueDueAnalysisRuns', () => queueDueRuns(now))).response;

/** The next 02:00 UTC strictly after `at`. */
function nextTwoAm(at: Date): string {
  const day = new Date(at);
  day.setUTCHours(2, 0, 0, 0);
  if (day.getTime() <= at.getTime()) day.setTime(day.getTime() + DAY);
  return day.toISOString();
}

describe('a tenant’s first need or order', () => {
  it('gives it a schedule, due at the next 02:00 of its zone, once', async () => {
    const tenant = uniqueTenant('as');
    const before = new Date();
    const requests = await deliver(need(tenant));
    // Its schedule (none), its settings (the defaults), then the schedule and due entry with the settings' check.
    assert.deepEqual(requests, { GetItemCommand: 2, TransactWriteItemsCommand: 1 });
    const schedule = await scheduleOf(tenant);
    assert.equal(schedule?.enabled, true);
    assert.equal(schedule?.cron, '0 2 * * *');
    assert.equal(schedule?.timeZone, 'UTC');
    assert.equal(schedule?.version, 1);
    const expected = nextTwoAm(before);
    assert.equal(schedule?.dueAt, expected);
    const [entry, ...more] = await dueOf(tenant);
    assert.deepEqual(more, []);
    assert.equal(entry?.sk, dueKey(expected, tenant).sk);
    assert.equal(entry?.scheduleVersion, 1);

    // Its every later record costs nothing in this container, one GetItem in another.
    assert.deepEqual(await deliver(need(tenant, 2), orderItem(tenant, orderFields())), {});
    forgetRegisteredTenants();
    assert.deepEqual(await deliver(need(tenant, 3)), { GetItemCommand: 1 });
    assert.equal((await scheduleOf(tenant))?.version, 1, 'written once');
  });

  it('is an order as well as a need, and many tenants in one batch each get theirs', async () => {
    const a = uniqueTenant('as');
    const b = uniqueTenant('as');
    await deliver(orderItem(a, orderFields()), need(b), need(a, 2));
    assert.equal((await dueOf(a)).length, 1);
    assert.equal((await dueOf(b)).length, 1);
  });

  it('plans from the settings the tenant saved before it had data', async () => {
    const tenant = uniqueTenant('as');
    const admin = principal(tenant, ['admin']);
    const saved = await save(
      admin,
      { timeZone: 'Asia/Tokyo', analysisSchedule: { enabled: true, cron: '30 4 * * 1' } },
      0,
    );
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(await scheduleOf(tenant), undefined, 'no schedule before data');
    await deliver(need(tenant));
    const schedule = await scheduleOf(tenant);
    assert.deepEqual([schedule?.cron, schedule?.timeZone], ['30 4 * * 1', 'Asia/Tokyo']);
    // Mondays 04:30 in Tokyo are Sundays 19:30 UTC.
    const due = new Date(schedule?.dueAt);
    assert.deepEqual([due.getUTCDay(), due.getUTCHours(), due.getUTCMinutes()], [0, 19, 30]);
    assert.ok(due.getTime() > Date.now() && due.getTime() <= Date.now() + 7 * DAY);

    const off = uniqueTenant('as');
    await save(
      principal(off, ['admin']),
      { timeZone: 'UTC', analysisSchedule: { enabled: false, cron: '0 2 * * *' } },
      0,
    );
    await deliver(need(off));
    const disabled = await scheduleOf(off);
    assert.equal(disabled?.enabled, false);
    assert.equal(disabled?.dueAt, undefined);
    assert.deepEqual(await dueOf(off), [], 'disabled: never due');
  });

  it('agrees with the saved settings whichever of a save and the registration commits first', async () => {
    const tenant = uniqueTenant('as');
    const admin = principal(tenant, ['admin']);
    // A registration that read the defaults before the save committed is refused by its check of
    // the settings' version and plans again; a save that read "no schedule" before the registration
    // committed is refused by its check of that and saves again, moving the schedule.
    const [registered] = await Promise.all([
      registerTenant(tenant, new Date()),
      save(admin, { timeZone: 'UTC', analysisSchedule: { enabled: true, cron: '0 5 * * *' } }, 0),
    ]);
    assert.equal(registered, true);
    const schedule = await scheduleOf(tenant);
    const { Item: settings } = await documentClient.send(
      new GetCommand({
        TableName: tables.domain,
        Key: { pk: `T#${tenant}#SETTINGS#tenant`, sk: 'SETTINGS' },
      }),
    );
    assert.equal(schedule?.cron, settings?.analysisSchedule.cron, 'the schedule agrees with the settings');
    assert.equal((await dueOf(tenant)).length, 1);
  });
});

describe('the tenant’s settings', () => {
  it('show the default schedule until one is saved, and refuse a bad cron naming it', async () => {
    const tenant = uniqueTenant('as');
    const res = await invoke(getSettings, {
      routeKey: 'GET /v1/settings/tenant',
      principal: principal(tenant, ['analyst']),
    });
    assert.deepEqual(res.body.analysisSchedule, { enabled: true, cron: '0 2 * * *' });
    const admin = principal(tenant, ['admin']);
    for (const cron of ['*/10 * * * *', '0 2 * *', '0 2 31 2 *']) {
      const bad = await save(admin, { timeZone: 'UTC', analysisSchedule: { enabled: true, cron } }, 0);
      assert.equal(bad.status, 400, cron);
      assert.equal(bad.body.errors[0].field, 'body.analysisSchedule.cron', cron);
    }
    assert.equal(
      (await save(admin, { timeZone: 'UTC', analysisSchedule: { cron: '0 2 * * *' } }, 0)).body.errors[0]
        .field,
      'body.analysisSchedule.enabled',
    );
  });

  it('move the due entry in the save’s transaction: cron, zone, off and on again; the change audited', async () => {
    const tenant = uniqueTenant('as');
    const admin = principal(tenant, ['admin'], 'ada');
    await deliver(need(tenant));
    const first = (await dueOf(tenant))[0];

    // Another hour: the entry moves, the old one goes.
    const hourly = await save(
      admin,
      { timeZone: 'UTC', analysisSchedule: { enabled: true, cron: '15 * * * *' } },
      0,
    );
    assert.equal(hourly.status, 200, JSON.stringify(hourly.body));
    assert.deepEqual(hourly.body.analysisSchedule, { enabled: true, cron: '15 * * * *' });
    assert.deepEqual(hourly.requests, { GetItemCommand: 2, TransactWriteItemsCommand: 1 });
    const [moved, ...rest] = await dueOf(tenant);
    assert.deepEqual(rest, [], 'the old entry is gone');
    assert.notEqual(moved?.sk, first?.sk);
    const dueAt = new Date(moved?.dueAt);
    assert.equal(dueAt.getUTCMinutes(), 15);
    assert.ok(dueAt.getTime() > Date.now() && dueAt.getTime() <= Date.now() + 3_600_000);
    assert.equal((await scheduleOf(tenant))?.version, 2);

    // Another zone, same cron: 02:00 in Los Angeles is 10:00 UTC in winter, 09:00 in summer.
    const zoned = await save(admin, { timeZone: 'America/Los_Angeles' }, 1);
    assert.equal(zoned.status, 200);
    assert.deepEqual(
      zoned.body.analysisSchedule,
      { enabled: true, cron: '0 2 * * *' },
      'absent: the default',
    );
    const [la] = await dueOf(tenant);
    assert.ok([9, 10].includes(new Date(la?.dueAt).getUTCHours()), la?.dueAt);
    assert.equal(la?.timeZone, 'America/Los_Angeles');

    // Off: no entry; the schedule remembers it is off. On again: due again.
    await save(
      admin,
      { timeZone: 'America/Los_Angeles', analysisSchedule: { enabled: false, cron: '0 2 * * *' } },
      2,
    );
    assert.deepEqual(await dueOf(tenant), []);
    const off = await scheduleOf(tenant);
    assert.deepEqual([off?.enabled, off?.dueAt], [false, undefined]);
    await save(
      admin,
      { timeZone: 'America/Los_Angeles', analysisSchedule: { enabled: true, cron: '0 2 * * *' } },
      3,
    );
    assert.equal((await dueOf(tenant))[0]?.dueAt, la?.dueAt);

    // A save that changes neither the schedule nor the zone writes nothing of it.
    const version = (await scheduleOf(tenant))?.version;
    await save(admin, { timeZone: 'America/Los_Angeles' }, 4);
    assert.equal((await scheduleOf(tenant))?.version, version);

    const audited = (await auditRecordsOf(tenant, 'settings/tenant')).filter(
      (r) => r.field === 'analysisSchedule',
    );
    assert.deepEqual(
      audited.map((r) => [r.before, r.after]),
      [
        [
          { enabled: true, cron: '0 2 * * *' },
          { enabled: true, cron: '15 * * * *' },
        ],
        [
          { enabled: true, cron: '15 * * * *' },
          { enabled: true, cron: '0 2 * * *' },
        ],
        [
          { enabled: true, cron: '0 2 * * *' },
          { enabled: false, cron: '0 2 * * *' },
        ],
        [
          { enabled: false, cron: '0 2 * * *' },
          { enabled: true, cron: '0 2 * * *' },
        ],
      ],
    );
  });
});

describe('the due job', () => {
  it('queues a run for each due tenant through the API’s create path, and moves it to its next occurrence', async () => {
    const tenant = uniqueTenant('as');
    const now = new Date();
    // Registered three days ago: due since then (a job that was down makes up nothing).
    assert.equal(await registerTenant(tenant, new Date(now.getTime() - 3 * DAY)), true);
    const summary = await pass(now);
    assert.ok(summary.due >= 1 && summary.queued >= 1, JSON.stringify(summary));
    const analyst = principal(tenant, ['analyst']);
    const [run, ...others] = await runsOf(analyst);
    assert.deepEqual(others, []);
    assert.equal(run.status, 'QUEUED');
    assert.equal(run.trigger, 'schedule');
    assert.equal(run.requestedBy, 'schedule');
    assert.deepEqual(run.kinds, ['segments', 'classifier', 'trends', 'recommendations']);
    assert.ok(Number.isInteger(run.parameters.seed));
    const { Item: lock } = await documentClient.send(
      new GetCommand({ TableName: tables.domain, Key: activeRunKey(tenant) }),
    );
    assert.equal(lock?.runId, run.id, 'the same lock as the API’s');
    const [entry, ...more] = await dueOf(tenant);
    assert.deepEqual(more, []);
    assert.equal(entry?.dueAt, nextTwoAm(now));
    assert.equal((await scheduleOf(tenant))?.version, 2);

    // Not due again before its next occurrence; the API finds the run active.
    await pass(new Date(now.getTime() + 1000));
    assert.equal((await runsOf(analyst)).length, 1);
    const api = await invoke(createRun, { routeKey: 'POST /v1/analysis/runs', body: {}, principal: analyst });
    assert.deepEqual([api.status, api.body.activeRunId], [409, run.id]);
  });

  it('moves a tenant whose run is still active on without queuing another', async () => {
    const tenant = uniqueTenant('as');
    const analyst = principal(tenant, ['analyst']);
    const active = await invoke(createRun, {
      routeKey: 'POST /v1/analysis/runs',
      body: {},
      principal: analyst,
    });
    assert.equal(active.status, 202);
    const now = new Date();
    await registerTenant(tenant, new Date(now.getTime() - DAY));
    const summary = await pass(now);
    assert.ok(summary.skippedActive >= 1, JSON.stringify(summary));
    assert.deepEqual(
      (await runsOf(analyst)).map((r: { id: string }) => r.id),
      [active.body.id],
    );
    assert.equal((await dueOf(tenant))[0]?.dueAt, nextTwoAm(now));
  });

  it('leaves a tenant whose schedule changed since its entry was read to that change', async () => {
    const tenant = uniqueTenant('as');
    const now = new Date();
    await registerTenant(tenant, new Date(now.getTime() - DAY));
    const [entry] = await dueOf(tenant);
    // A save moves the schedule (version 2) after the job has read the entry at version 1.
    await save(
      principal(tenant, ['admin']),
      { timeZone: 'UTC', analysisSchedule: { enabled: true, cron: '0 3 * * *' } },
      0,
    );
    await documentClient.send(
      new PutCommand({ TableName: tables.domain, Item: entry as Record<string, unknown> }),
    );
    const summary = await pass(now);
    assert.ok(summary.changed >= 1, JSON.stringify(summary));
    assert.deepEqual(await runsOf(principal(tenant, ['analyst'])), [], 'no run queued from a stale schedule');
    assert.equal((await scheduleOf(tenant))?.cron, '0 3 * * *');
    await documentClient.send(
      new DeleteCommand({ TableName: tables.domain, Key: { pk: entry?.pk, sk: entry?.sk } }),
    );
  });

  it('runs as the scheduled job, with its payload checked, and says what it did', async () => {
    const { response } = await counter.run('queueDueAnalysisRuns', () => dueJob({}, fakeContext()));
    assert.deepEqual(Object.keys(response as object).sort(), ['changed', 'due', 'queued', 'skippedActive']);
  });
});

function orderFields() {
  return {
    id: '01JORDER000000000000000001',
    customerId: '01JCUSTOMER000000000000001',
    status: 'SUBMITTED',
    createdAt: '2026-01-05T10:00:00.000Z',
    lines: [],
  };
}
