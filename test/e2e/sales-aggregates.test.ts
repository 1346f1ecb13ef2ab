import assert from 'node:assert/strict';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { seededRandom } from '../../functions/analysis/random';
import { streamFunctions } from '../../functions/manifest';
import { documentClient } from '../../functions/shared/db/client';
import { toLambdaRecord } from '../../local/streams/records';
import { createStreamApi } from '../../local/streams/stream-api';
import { needItem, orderItem } from '../support/sales-items';
import * as notebook from '../support/sales-notebook';
import { type ApiClient, startTestTwin, type TestTwin } from '../support/twin';

/**
 * The acceptance test of the live aggregates (issue 9): a seeded random sequence of need and order
 * changes — creates, status changes, value changes, deletes — written as their stores write them
 * into the domain table of a twin, whose stream poller runs aggregateSales. Along the way the
 * aggregator dies right after some of its commits (ORDERLY_FAULTS), the twin is stopped mid-stream
 * and started again (its poller, without saved checkpoints, delivers the whole stream again), and
 * one record is handed to the aggregator twice more. Then every summary and report, through the
 * API, must equal the analyst's group-by-and-sum over the items as they are
 * (test/support/sales-notebook.ts), to the minor unit.
 *
 * ORDERLY_AGGREGATES_SEED replays a sequence; ORDERLY_AGGREGATES_STEPS makes it longer.
 */
const SEED = Number(process.env.ORDERLY_AGGREGATES_SEED ?? 20_260_409);
const STEPS = Number(process.env.ORDERLY_AGGREGATES_STEPS ?? 160);
const ZONE = 'America/New_York';
const TENANT = `sales-${process.pid}`;

const twinOptions = {
  functionVariables: {
    // Each record reads the zone afresh, so the zone saved first applies at once.
    TENANT_SETTINGS_CACHE_SECONDS: '0',
    // The aggregator's environment dies right after one commit in ten; the stream delivers again.
    ORDERLY_FAULTS: 'aggregateSales:after-commit@0.1',
  },
};
let twin: TestTwin = await startTestTwin(twinOptions);
afterAll(() => twin.stop());

/** A seeded generator (the analysis jobs' mulberry32), so a failing sequence can be replayed. */
function generator(seed: number) {
  const next = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return { next, int, pick };
}

// Instants the zone makes interesting: midnights either side of New York's spring-forward night (8 March
// 2026), month and ISO-week ends (Sunday 1 March, Tuesday 31 March), and whatever lies between.
const EDGES = [
  '2026-03-08T04:59:00.000Z',
  '2026-03-08T05:00:00.000Z',
  '2026-03-09T03:59:00.000Z',
  '2026-03-09T04:00:00.000Z',
  '2026-03-01T04:30:00.000Z',
  '2026-03-02T04:30:00.000Z',
  '2026-04-01T03:30:00.000Z',
  '2026-04-01T04:30:00.000Z',
];
const START = Date.parse('2026-02-10T00:00:00.000Z');
const END = Date.parse('2026-04-20T00:00:00.000Z');

const ORDER_STATUSES = [
  'SUBMITTED',
  'PENDING_APPROVAL',
  'APPROVED',
  'STOCK_RESERVED',
  'IN_FULFILMENT',
  'SHIPPED',
  'DELIVERED',
  'CLOSED',
  'REJECTED',
  'CANCELLED',
];
const NEED_STATUSES = ['NEW', 'QUALIFIED', 'IN_PROGRESS', 'FULFILLED', 'DECLINED'];

type Item = Record<string, any>;

/** The sequence: what it wrote (the items as they are now) and how many changes it made. */
function sequence(seed: number) {
  const random = generator(seed);
  const items = new Map<string, Item>();
  let serial = 0;
  const id = (kind: string) => `01J${kind}${String(serial++).padStart(22, '0')}`;
  const instant = () =>
    random.next() < 0.3
      ? random.pick(EDGES)
      : new Date(START + Math.floor(random.next() * (END - START))).toISOString();
  const customers = Array.from({ length: 5 }, () => id('C'));
  const country = () => random.pick(['US', 'DE', 'FR', undefined]);
  const money = () =>
    random.next() < 0.3
      ? undefined
      : { amountMinor: random.int(1, 500_000), currency: random.pick(['EUR', 'USD']) };
  const lines = () =>
    Array.from({ length: random.int(1, 4) }, () => {
      const sku = random.pick(['A-1', 'A-2', 'B-1', 'B-2', 'C-1', 'X-9']);
      return {
        sku,
        category: sku[0] === 'X' ? 'Misc' : `Cat ${sku[0]}`,
        quantity: random.int(1, 9),
        lineTotalMinor: random.int(0, 90_000),
      };
    });
  const evaluation = () => ({
    stageSeconds: (random.next() < 0.2
      ? { DELIVERED: random.int(0, 99) }
      : { SUBMITTED: random.int(0, 50), PENDING_APPROVAL: random.int(0, 90_000), DELIVERED: 5 }) as Record<
      string,
      number
    >,
    cycleSeconds: random.int(60, 900_000),
    onTime: random.pick([true, false, null]),
    closedAt: instant(),
  });
  const ofKind = (entity: string) => [...items.values()].filter((item) => item.entity === entity);

  const step = (): { put?: Item; remove?: Item } => {
    const now = new Date().toISOString();
    const roll = random.next();
    const needs = ofKind('NEED');
    const orders = ofKind('ORDER');
    if (roll < 0.22 || needs.length === 0) {
      return {
        put: needItem(TENANT, {
          id: id('N'),
          customerId: random.pick(customers),
          type: random.pick(['pricing', 'delivery', 'quality', undefined]),
          channel: random.pick(['feedback', 'survey', 'sales_report', 'web_form', 'email', 'call', 'other']),
          receivedAt: instant(),
          estimatedValue: money(),
          updatedAt: now,
        }),
      };
    }
    if (roll < 0.44 || orders.length === 0) {
      const status = random.pick(ORDER_STATUSES);
      return {
        put: orderItem(TENANT, {
          id: id('O'),
          customerId: random.pick(customers),
          customerCountry: country(),
          currency: random.pick(['EUR', 'USD']),
          status,
          createdAt: instant(),
          lines: lines(),
          ...(status === 'CLOSED' ? { evaluation: evaluation() } : {}),
          imported: random.next() < 0.3,
          updatedAt: now,
        }),
      };
    }
    if (roll < 0.58) {
      const need = random.pick(needs);
      const change = random.pick(['status', 'value', 'type']);
      return {
        put: {
          ...need,
          ...(change === 'status' ? { status: random.pick(NEED_STATUSES) } : {}),
          ...(change === 'value' ? { estimatedValue: money() } : {}),
          ...(change === 'type' ? { type: random.pick(['pricing', 'quality', undefined]) } : {}),
          version: need.version + 1,
          updatedAt: now,
        },
      };
    }
    if (roll < 0.8) {
      const order = random.pick(orders);
      const status = random.pick(ORDER_STATUSES);
      const next: Item = {
        ...order,
        status,
        statusChangedAt: now,
        version: order.version + 1,
        updatedAt: now,
      };
      if (status === 'CLOSED' && !order.evaluation)
        next.evaluation = { ...evaluation(), approvalSlaMet: null, escalations: 0 };
      if (status === 'CLOSED' && random.next() < 0.5)
        next.feedback = { rating: random.int(1, 5), by: 'c', at: now };
      if (random.next() < 0.1) {
        // A value change: a line's quantity and total corrected.
        next.lines = order.lines.map((line: Item, i: number) =>
          i === 0
            ? { ...line, quantity: line.quantity + 1, lineTotalMinor: line.lineTotalMinor + 100 }
            : line,
        );
        const total = next.lines.reduce((sum: number, line: Item) => sum + line.lineTotalMinor, 0);
        next.totals = { ...order.totals, subtotalMinor: total, totalMinor: total };
      }
      return { put: next };
    }
    if (roll < 0.9) return { remove: random.pick(needs) };
    return { remove: random.pick(orders) };
  };
  return { items, step };
}

async function write(change: { put?: Item; remove?: Item }, items: Map<string, Item>) {
  const table = process.env.DOMAIN_TABLE_NAME;
  if (change.put) {
    const item = Object.fromEntries(Object.entries(change.put).filter(([, v]) => v !== undefined));
    await documentClient.send(new PutCommand({ TableName: table, Item: item }));
    items.set(item.pk as string, item);
  } else if (change.remove) {
    await documentClient.send(
      new DeleteCommand({ TableName: table, Key: { pk: change.remove.pk, sk: change.remove.sk } }),
    );
    items.delete(change.remove.pk);
  }
}

/** Every page of a report through the API. */
async function readAll(api: ApiClient, path: string, query: Record<string, string>) {
  const rows: unknown[] = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) });
    const res = await api.get(`${path}?${params}`);
    assert.equal(res.status, 200, `${path}?${params}: ${res.text}`);
    rows.push(...res.body.rows);
    cursor = res.body.nextCursor;
  } while (cursor);
  return rows;
}

describe('the live aggregates against the analyst’s own computation', () => {
  it('equal it to the minor unit after random changes, crashes after commits, a restart mid-stream and a duplicate', async () => {
    const admin = twin.client(await twin.token({ tenantId: TENANT, userId: 'ada', roles: ['admin'] }));
    const zone = await admin.raw('PUT', '/v1/settings/tenant', {
      body: { timeZone: ZONE },
      headers: { 'if-match': '"0"' },
    });
    assert.equal(zone.status, 200, zone.text);

    const { items, step } = sequence(SEED);
    const aggregatedAt = Math.floor(STEPS * 0.4);
    const restartAt = Math.floor(STEPS * 0.6);
    for (let i = 0; i < aggregatedAt; i++) await write(step(), items);
    await twin.streams.drained(180_000);
    // Mid-stream: a burst the twin has not aggregated yet is still in the stream when it stops.
    for (let i = aggregatedAt; i < restartAt; i++) await write(step(), items);
    const before = twin.streams.stats().aggregateSales;
    await twin.stop();
    twin = await startTestTwin({ ...twinOptions, tablePrefix: twin.tablePrefix });
    for (let i = restartAt; i < STEPS; i++) await write(step(), items);
    await twin.streams.drained(180_000);

    // One record of the stream handed to the aggregator twice more, as a redelivery would.
    const api = createStreamApi(twin.dynamoDbEndpoint, new AbortController().signal);
    const arn = await api.streamArnOf(process.env.DOMAIN_TABLE_NAME as string);
    const [shard] = await api.listShards(arn);
    const { records } = await api.records(await api.iterator(arn, shard?.shardId as string, 'TRIM_HORIZON'));
    api.destroy();
    const record = records.find(
      (r) => r.eventName === 'MODIFY' && r.dynamodb?.NewImage?.entity?.S === 'NEED',
    );
    assert.ok(record, 'a need changed in the stream');
    const aggregator = streamFunctions.find((fn) => fn.name === 'aggregateSales');
    assert.ok(aggregator);
    for (let i = 0; i < 2; i++) {
      const answer = await twin.runtime.invoke(aggregator, { Records: [toLambdaRecord(record, arn)] });
      assert.deepEqual(answer, { batchItemFailures: [] });
    }

    const after = twin.streams.stats().aggregateSales;
    console.info(
      `aggregates acceptance (seed ${SEED}, ${STEPS} changes): before the restart ${before?.delivered} records delivered in ${before?.invocations} invocations (${before?.failedInvocations} died after a commit); after it ${after?.delivered} delivered again or anew (${after?.failedInvocations} died)`,
    );
    assert.ok((before?.delivered ?? 0) >= aggregatedAt, 'the first twin aggregated the first part');
    assert.equal(after?.deadLettered, 0);
    assert.ok((after?.delivered ?? 0) >= STEPS, 'the restarted poller delivered the whole stream again');

    const analyst = twin.client(await twin.token({ tenantId: TENANT, userId: 'ann', roles: ['analyst'] }));
    const needs = [...items.values()].filter((item) => item.entity === 'NEED');
    const orders = [...items.values()].filter((item) => item.entity === 'ORDER');
    const range = { from: '2026-02-01', to: '2026-05-01' };
    const checks: [
      string,
      string,
      string[],
      (items: Item[], groupBy: string, period: notebook.Period, zone: string) => unknown[],
      Item[],
    ][] = [
      [
        '/v1/analysis/needs/summary',
        'needs',
        ['none', 'type', 'channel', 'status'],
        notebook.needsSummary,
        needs,
      ],
      [
        '/v1/reports/revenue',
        'revenue',
        ['none', 'product', 'category', 'customer', 'country'],
        notebook.revenueReport,
        orders,
      ],
      [
        '/v1/reports/fulfilment',
        'fulfilment',
        ['none', 'customer', 'country'],
        notebook.fulfilmentReport,
        orders,
      ],
      ['/v1/reports/pipeline', 'pipeline', ['none', 'status'], notebook.pipelineReport, orders],
    ];
    let compared = 0;
    for (const [path, name, groupBys, compute, source] of checks) {
      for (const groupBy of groupBys) {
        for (const period of ['day', 'week', 'month'] as const) {
          const actual = await readAll(analyst, path, { groupBy, period, ...range, limit: '2000' });
          assert.deepEqual(
            actual,
            compute(source, groupBy, period, ZONE),
            `${name} by ${groupBy} per ${period}`,
          );
          compared += actual.length;
        }
      }
    }
    const open = await readAll(analyst, '/v1/reports/pipeline', { groupBy: 'status' });
    assert.deepEqual(open, notebook.pipelineReport(orders, 'status', 'all', ZONE), 'the pipeline open now');
    // Small pages across shards give the same rows; a narrow range around the spring-forward night its days only.
    const paged = await readAll(analyst, '/v1/reports/revenue', {
      groupBy: 'category',
      period: 'day',
      ...range,
      limit: '3',
    });
    assert.deepEqual(paged, notebook.revenueReport(orders, 'category', 'day', ZONE));
    const dst = await readAll(analyst, '/v1/analysis/needs/summary', {
      period: 'day',
      from: '2026-03-07',
      to: '2026-03-10',
    });
    assert.deepEqual(
      dst,
      notebook
        .needsSummary(needs, 'none', 'day', ZONE)
        .filter((row) => row.period >= '2026-03-07' && row.period < '2026-03-10'),
    );
    assert.ok(compared > 200, `${compared} rows compared`);
  }, 600_000);
});
