import assert from 'node:assert/strict';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import type { HttpLambda } from '../../functions/shared/http/handler';
import { createTestTables } from '../support/database';
import { type InvokeOptions, invoke, principal, uniqueTenant } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/**
 * Analysis runs through their handlers, against DynamoDB Local, each run as its manifest function
 * (local IAM checks every request against its grants): queuing a run (defaults, seed, idempotency,
 * one active run per tenant), reading and listing runs, and the latest results before and after a
 * run produced them.
 */
const tables = await createTestTables();
const counter = requestCounter(tables);
afterAll(() => tables.drop());

const { handler: create } = await import('../../functions/analysis/runs/create');
const { handler: get } = await import('../../functions/analysis/runs/get');
const { handler: list } = await import('../../functions/analysis/runs/list');
const { handler: segments } = await import('../../functions/analysis/latest/segments');
const { handler: trends } = await import('../../functions/analysis/latest/trends');
const { handler: classifier } = await import('../../functions/analysis/latest/classifier');
const { activeRunKey } = await import('../../functions/analysis/runs/active-lock');
const { latestKey, resultKey, RESULT } = await import('../../functions/analysis/runs/keys');
const { documentClient } = await import('../../functions/shared/db/client');

const RUNS = '/v1/analysis/runs';

async function call(handler: HttpLambda, operationId: string, options: InvokeOptions) {
  const { response, byCommand } = await counter.run(operationId, () => invoke(handler, options));
  return { ...response, requests: byCommand };
}
const post = (who: Principal, body: unknown = {}, headers: Record<string, string> = {}) =>
  call(create, 'createAnalysisRun', { routeKey: `POST ${RUNS}`, body, headers, principal: who });
const read = (who: Principal, runId: string) =>
  call(get, 'getAnalysisRun', {
    routeKey: `GET ${RUNS}/{runId}`,
    path: `${RUNS}/${runId}`,
    pathParameters: { runId },
    principal: who,
  });
const page = (who: Principal, query: Record<string, string> = {}) =>
  call(list, 'listAnalysisRuns', { routeKey: `GET ${RUNS}`, query, principal: who });

/** What execute.ts does when a run ends: the lock goes (in the same write that finishes the run). */
const releaseLock = (tenantId: string) =>
  documentClient.send(new DeleteCommand({ TableName: tables.domain, Key: activeRunKey(tenantId) }));

/** The tenant's active-run lock, as a run that died without finishing leaves it. */
const holdLock = (tenantId: string, runId: string, until: number) =>
  documentClient.send(
    new PutCommand({
      TableName: tables.domain,
      Item: { ...activeRunKey(tenantId), runId, lockedUntil: new Date(until).toISOString() },
    }),
  );

const analyst = (tenantId = uniqueTenant('ar')) => principal(tenantId, ['analyst'], 'ana');

describe('POST /v1/analysis/runs', () => {
  it('queues a run with every default filled in, a stored seed, and the run’s Location', async () => {
    const ana = analyst();
    const res = await post(ana);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const run = res.body;
    assert.equal(res.headers.location, `${RUNS}/${run.id}`);
    assert.equal(run.status, 'QUEUED');
    assert.equal(run.phase, 'queued');
    assert.equal(run.trigger, 'api');
    assert.equal(run.requestedBy, 'ana');
    assert.deepEqual(run.kinds, ['segments', 'classifier', 'trends', 'recommendations']);
    assert.ok(
      Number.isInteger(run.parameters.seed) && run.parameters.seed >= 0 && run.parameters.seed < 2 ** 31,
    );
    assert.deepEqual(
      { ...run.parameters, seed: 0 },
      { seed: 0, segments: { k: 'auto' }, classifier: { testSize: 0.2 }, trends: { horizon: 4 } },
    );
    assert.deepEqual(run.progress, { recordsRead: 0, expectedRecords: null, percent: null });
    assert.equal(run.version, 1);
    assert.equal(run.tenantId, undefined, 'no internal attribute leaves the store');
    // One transaction: the run and the tenant's lock.
    assert.deepEqual(res.requests, { TransactWriteItemsCommand: 1 });

    const again = await read(ana, run.id);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, run);
    const { Item: lock } = await documentClient.send(
      new GetCommand({ TableName: tables.domain, Key: activeRunKey(ana.tenantId) }),
    );
    assert.equal(lock?.runId, run.id);
    const minutes = (Date.parse(lock?.lockedUntil) - Date.parse(run.createdAt)) / 60_000;
    assert.equal(minutes, 20, 'longer than the run function’s 15 minutes');
  });

  it('takes the kinds and parameters given, each kind once and in the usual order', async () => {
    const res = await post(analyst(), {
      kinds: ['trends', 'segments', 'trends'],
      seed: 42,
      segments: { k: 3 },
      classifier: { testSize: 0.3 },
      trends: { horizon: 8 },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(res.body.kinds, ['segments', 'trends']);
    assert.deepEqual(res.body.parameters, {
      seed: 42,
      segments: { k: 3 },
      classifier: { testSize: 0.3 },
      trends: { horizon: 8 },
    });
    // `auto` may be asked for by name, not only by leaving k out.
    const auto = await post(analyst(), { kinds: ['segments'], segments: { k: 'auto' } });
    assert.equal(auto.status, 202, JSON.stringify(auto.body));
    assert.deepEqual(auto.body.parameters.segments, { k: 'auto' });
  });

  it('refuses bad parameters with the field named, and queues nothing', async () => {
    const ana = analyst();
    const cases: [unknown, string][] = [
      [{ kinds: ['forecasts'] }, 'body.kinds.0'],
      [{ kinds: [] }, 'body.kinds'],
      [{ seed: -1 }, 'body.seed'],
      [{ seed: 2 ** 31 }, 'body.seed'],
      [{ seed: 1.5 }, 'body.seed'],
      [{ segments: { k: 1 } }, 'body.segments.k'],
      [{ segments: { k: 9 } }, 'body.segments.k'],
      [{ segments: { k: 'best' } }, 'body.segments.k'],
      [{ classifier: { testSize: 0.05 } }, 'body.classifier.testSize'],
      [{ classifier: { testSize: 0.6 } }, 'body.classifier.testSize'],
      [{ trends: { horizon: 13 } }, 'body.trends.horizon'],
      [{ trends: { horizon: 0 } }, 'body.trends.horizon'],
      [{ priority: 'high' }, 'body.priority'],
    ];
    for (const [body, field] of cases) {
      const res = await post(ana, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.errors[0].field, field, JSON.stringify(body));
    }
    assert.deepEqual((await page(ana)).body.items, []);
  });

  it('is for admins and analysts only', async () => {
    const tenant = uniqueTenant('ar');
    for (const role of ['sales', 'finance', 'approver', 'fulfilment', 'integration'] as const)
      assert.equal((await post(principal(tenant, [role]))).status, 403, role);
    const admin = await post(principal(tenant, ['admin'], 'root'));
    assert.equal(admin.status, 202);
    assert.equal(admin.body.requestedBy, 'root');
  });

  it('runs one analysis at a time per tenant: a second is a 409 naming the active run', async () => {
    const ana = analyst();
    const first = await post(ana);
    assert.equal(first.status, 202);
    const second = await post(ana);
    assert.equal(second.status, 409);
    assert.equal(second.body.type, 'urn:orderly:problem:analysis-run-active');
    assert.equal(second.body.activeRunId, first.body.id);
    assert.match(second.body.detail, new RegExp(first.body.id));
    assert.deepEqual(
      (await page(ana)).body.items.map((r: { id: string }) => r.id),
      [first.body.id],
      'nothing queued',
    );
    // Another tenant is not held up.
    assert.equal((await post(analyst())).status, 202);

    // The run finished (its finish releases the lock): the next is queued.
    await releaseLock(ana.tenantId);
    const third = await post(ana);
    assert.equal(third.status, 202);
    assert.equal((await post(ana)).body.activeRunId, third.body.id);
  });

  it('takes over the lock of a run that died without finishing, once the lock has expired', async () => {
    const ana = analyst();
    const stale = '01JZZZZZZZZZZZZZZZZZZZZZZZ';
    await holdLock(ana.tenantId, stale, Date.now() + 60_000);
    assert.equal((await post(ana)).body.activeRunId, stale, 'still held');
    await holdLock(ana.tenantId, stale, Date.now() - 1);
    const res = await post(ana);
    assert.equal(res.status, 202, JSON.stringify(res.body));
  });

  it('queues exactly one of many requests sent at once; the others name it', async () => {
    const ana = analyst();
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(ana)));
    const queued = answers.filter((a) => a.status === 202);
    assert.equal(queued.length, 1, JSON.stringify(answers.map((a) => a.status)));
    const winner = queued[0]?.body.id;
    for (const answer of answers.filter((a) => a.status !== 202)) {
      assert.equal(answer.status, 409);
      assert.equal(answer.body.activeRunId, winner);
    }
  });

  it('answers a retry with the same Idempotency-Key with the run it queued, as it is now', async () => {
    const ana = analyst();
    const headers = { 'idempotency-key': 'analysis-run-0001' };
    const first = await post(ana, { seed: 7 }, headers);
    assert.equal(first.status, 202);
    await releaseLock(ana.tenantId);
    const retry = await post(ana, { seed: 7 }, headers);
    assert.equal(retry.status, 202);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal(retry.body.id, first.body.id);
    assert.equal(retry.headers.location, `${RUNS}/${first.body.id}`);
    assert.equal((await page(ana)).body.items.length, 1, 'one run');
    const reused = await post(ana, { seed: 8 }, headers);
    assert.equal(reused.status, 422);
  });
});

describe('GET /v1/analysis/runs', () => {
  it('lists the tenant’s runs newest first, in pages', async () => {
    const ana = analyst();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post(ana, { seed: i });
      ids.push(res.body.id);
      await releaseLock(ana.tenantId);
    }
    const first = await page(ana, { limit: '2' });
    assert.equal(first.status, 200);
    assert.deepEqual(first.requests, { QueryCommand: 1 });
    const seen = first.body.items.map((r: { id: string }) => r.id);
    let cursor = first.body.nextCursor as string | undefined;
    while (cursor) {
      const next = await page(ana, { limit: '2', cursor });
      seen.push(...next.body.items.map((r: { id: string }) => r.id));
      cursor = next.body.nextCursor;
    }
    assert.deepEqual(seen, [...ids].reverse());
    const whole = await page(ana, { limit: '5' });
    assert.equal(whole.body.nextCursor, undefined, 'the last page has no cursor');
    assert.deepEqual(
      whole.body.items.map((r: { parameters: { seed: number } }) => r.parameters.seed),
      [4, 3, 2, 1, 0],
    );
    // Another tenant's cursor leads nowhere, and its list is its own.
    const other = analyst();
    assert.equal((await page(other, { cursor: first.body.nextCursor })).status, 400);
    assert.deepEqual((await page(other)).body.items, []);
  });
});

describe('GET /v1/analysis/runs/{runId}', () => {
  it('is a 404 for another tenant’s run and for an unknown one, a 403 for sales', async () => {
    const ana = analyst();
    const run = (await post(ana)).body;
    assert.equal((await read(analyst(), run.id)).status, 404);
    assert.equal((await read(ana, '01JZZZZZZZZZZZZZZZZZZZZZZZ')).status, 404);
    assert.equal((await read(ana, 'not-a-run')).status, 400);
    assert.equal((await read(principal(ana.tenantId, ['sales']), run.id)).status, 403);
    const res = await read(principal(ana.tenantId, ['admin']), run.id);
    assert.equal(res.status, 200);
    assert.deepEqual(res.requests, { GetItemCommand: 1 });
  });
});

describe('the latest results', () => {
  const latest = (handler: HttpLambda, operationId: string, path: string, who: Principal, query = {}) =>
    call(handler, operationId, { routeKey: `GET ${path}`, query, principal: who });
  const readSegments = (who: Principal) =>
    latest(segments, 'getLatestSegments', '/v1/analysis/segments/latest', who);
  const readTrends = (who: Principal, query: Record<string, string> = {}) =>
    latest(trends, 'getNeedTrends', '/v1/analysis/needs/trends', who, query);
  const readClassifier = (who: Principal) =>
    latest(classifier, 'getLatestClassifier', '/v1/analysis/classifier/latest', who);

  /** What a run that succeeded leaves (execute.ts): the result item and the kind's latest pointer. */
  async function produced(
    tenantId: string,
    kind: 'segments' | 'trends' | 'classifier',
    runId: string,
    item: Record<string, unknown>,
  ) {
    const finishedAt = new Date().toISOString();
    await documentClient.send(
      new PutCommand({
        TableName: tables.domain,
        Item: { ...resultKey(tenantId, runId, RESULT[kind]), ...item },
      }),
    );
    await documentClient.send(
      new PutCommand({
        TableName: tables.domain,
        Item: { ...latestKey(tenantId, kind), runId, finishedAt, summary: {} },
      }),
    );
    return finishedAt;
  }

  it('say so, with 200 and runId null, before any run produced them; sales may read them', async () => {
    const sam = principal(uniqueTenant('lr'), ['sales']);
    const s = await readSegments(sam);
    assert.equal(s.status, 200);
    assert.equal(s.body.runId, null);
    assert.match(s.body.note, /no analysis run has produced segments yet/i);
    assert.deepEqual(s.requests, { GetItemCommand: 1 });
    const t = await readTrends(sam);
    assert.deepEqual([t.status, t.body.runId, t.body.series], [200, null, []]);
    assert.match(t.body.note, /trends/);
    const c = await readClassifier(sam);
    assert.deepEqual([c.status, c.body.runId], [200, null]);
    assert.match(c.body.note, /classifier/);
    for (const role of ['finance', 'fulfilment', 'approver'] as const)
      assert.equal((await readSegments(principal(sam.tenantId, [role]))).status, 403, role);
  });

  it('serve the segmentation of the run that produced it last', async () => {
    const ana = analyst();
    const runId = '01JRUN0000000000000000000A';
    const segmentation = {
      k: 2,
      chosenBy: 'silhouette',
      candidates: [
        { k: 2, silhouette: 0.71, inertia: 120.5, sizes: [30, 12], iterations: 6 },
        { k: 3, silhouette: 0.52, inertia: 80.25, sizes: [20, 12, 10], iterations: 9 },
      ],
      silhouetteSample: null,
      features: ['recency_days', 'orders', 'revenue'],
      segments: [
        {
          id: 0,
          label: 'recent, frequent, high value',
          size: 30,
          centroid: { recency_days: 12, orders: 9, revenue: 450_000 },
          distinctive: [{ feature: 'orders', z: 1.4 }],
        },
        {
          id: 1,
          label: 'lapsed, low value',
          size: 12,
          centroid: { recency_days: 300, orders: 1, revenue: 2_000 },
          distinctive: [{ feature: 'recency_days', z: 2.1 }],
        },
      ],
      customers: 42,
      mainCurrency: 'EUR',
    };
    const finishedAt = await produced(ana.tenantId, 'segments', runId, {
      ...segmentation,
      entity: 'ANALYSIS_RESULT',
      ttl: 1_900_000_000,
    });
    const res = await readSegments(ana);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { runId, finishedAt, ...segmentation });
    assert.deepEqual(res.requests, { GetItemCommand: 2 });
  });

  it('serve every series’ trend, filtered, each saying whether its forecast beats seasonal-naive', async () => {
    const ana = analyst();
    const runId = '01JRUN0000000000000000000B';
    const backtest = (beats: boolean) => ({
      mase: beats ? 0.8 : 1.3,
      seasonalNaiveMae: 2,
      modelMae: beats ? 1.6 : 2.6,
      seasonalNaiveMase: 1,
      scale: 2,
      folds: 8,
      seasonPeriod: 4,
      beatsSeasonalNaive: beats,
    });
    const trend = (key: string, forecast: unknown) => ({
      key,
      weeks: [{ week: '2026-W01', count: 3, surge: false }],
      lastWeek: 3,
      previousWeek: 2,
      change: { last4: 10, previous4: 8, percent: 25 },
      surge: { flag: false, week: '2026-W01', rule: 'robust z ≥ 3.5' },
      forecast,
    });
    const next = [{ week: '2026-W02', count: 3, low: 1, high: 5 }];
    const series = [
      trend('type:complaint', { method: 'holt-winters', next, backtest: backtest(true) }),
      trend('type:spare_parts', { method: 'holt-winters', next, backtest: backtest(false) }),
      trend('category:machines', { insufficient: 'fewer than 16 weeks of history' }),
    ];
    await produced(ana.tenantId, 'trends', runId, { timeZone: 'Europe/Berlin', series, omitted: 0 });

    const all = await readTrends(ana);
    assert.equal(all.status, 200);
    assert.equal(all.body.runId, runId);
    assert.deepEqual([all.body.timeZone, all.body.omitted], ['Europe/Berlin', 0]);
    assert.deepEqual(
      all.body.series.map((s: { key: string; beatsSeasonalNaive: boolean | null }) => [
        s.key,
        s.beatsSeasonalNaive,
      ]),
      [
        ['type:complaint', true],
        ['type:spare_parts', false],
        ['category:machines', null],
      ],
    );
    const [beats, loses, none] = all.body.series;
    assert.match(beats.forecastNote, /beat the seasonal-naive/);
    assert.match(loses.forecastNote, /does NOT beat the seasonal-naive/);
    assert.match(none.forecastNote, /No forecast: fewer than 16 weeks/);
    assert.deepEqual(loses.forecast, series[1]?.forecast, 'shown, not hidden');

    const types = await readTrends(ana, { series: 'type' });
    assert.deepEqual(
      types.body.series.map((s: { key: string }) => s.key),
      ['type:complaint', 'type:spare_parts'],
    );
    const one = await readTrends(ana, { series: 'type', key: 'spare_parts' });
    assert.deepEqual(
      one.body.series.map((s: { key: string }) => s.key),
      ['type:spare_parts'],
    );
    const byKey = await readTrends(ana, { key: 'machines' });
    assert.deepEqual(
      byKey.body.series.map((s: { key: string }) => s.key),
      ['category:machines'],
    );
    assert.equal((await readTrends(ana, { series: 'product' })).status, 400);
  });

  it('serve the classifier’s metrics and baselines, never its model', async () => {
    const ana = analyst();
    const runId = '01JRUN0000000000000000000C';
    const quality = {
      labels: ['complaint', 'spare_parts'],
      metrics: {
        accuracy: 0.9,
        macroF1: 0.89,
        perClass: [
          { label: 'complaint', precision: 0.92, recall: 0.88, f1: 0.9, support: 25 },
          { label: 'spare_parts', precision: 0.88, recall: 0.92, f1: 0.9, support: 25 },
        ],
        train: 200,
        test: 50,
      },
      baselines: {
        majority: { label: 'complaint', accuracy: 0.5, macroF1: 0.33 },
        naiveBayes: { accuracy: 0.84, macroF1: 0.83 },
      },
      training: { iterations: 57, converged: true, ms: 40 },
      counts: { complaint: 125, spare_parts: 125, other: 2 },
      excluded: ['other'],
    };
    const finishedAt = await produced(ana.tenantId, 'classifier', runId, {
      ...quality,
      sample: { seen: 252, kept: 252, sampled: false },
      modelBytes: 1000,
      model: new Uint8Array(1000).fill(7),
    });
    const res = await readClassifier(ana);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { runId, finishedAt, ...quality });
  });

  it('say there is none when the run’s results have expired', async () => {
    const ana = analyst();
    await documentClient.send(
      new PutCommand({
        TableName: tables.domain,
        Item: {
          ...latestKey(ana.tenantId, 'segments'),
          runId: '01JRUN0000000000000000000D',
          finishedAt: new Date().toISOString(),
        },
      }),
    );
    const res = await readSegments(ana);
    assert.deepEqual([res.status, res.body.runId], [200, null]);
  });
});
