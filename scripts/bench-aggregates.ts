/**
 * `npm run bench:aggregates -- [--needs 2000] [--orders 500] [--big 3] [--json out.json]`
 *
 * The sales aggregator (functions/aggregates/) on a DynamoDB Local of its own, run in this process
 * on Lambda-shaped stream records built from need and order items as their stores write them:
 *
 * 1. Throughput, unmetered: `--needs` new needs and `--orders` approved 3-line orders delivered in
 *    batches of 25 (the manifest's batch size), one batch after another as one stream shard
 *    delivers them; then `--big` imported orders of 600 lines, one at a time.
 * 2. What each kind of change costs, metered by AWS's rules (local/capacity/meter.ts: the item
 *    sizes before and after each write, transactional writes doubled): requests and WCU of a need
 *    created, changed, deleted; of an order created, approved, moved on, closed, rated; of imported
 *    orders of 1 to 1,000 lines; of a batch of 25 new needs.
 * 3. What reading costs: the reports' requests and RCU for a few shapes over the aggregates of
 *    the needs of part 1, which is the same whatever the number of needs behind them.
 *
 * Prints one line per figure and, with --json, writes them all.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { tables } from '../functions/shared/db/tables';
import { localAwsEnv } from '../local/aws-env';
import { ensureTable } from '../local/create-tables';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { meteredFunctions } from '../test/support/metered';
import { changeRecord, needItem, type OrderFields, orderItem } from '../test/support/sales-items';

const { values } = parseArgs({
  options: {
    needs: { type: 'string', default: '2000' },
    orders: { type: 'string', default: '500' },
    big: { type: 'string', default: '3' },
    json: { type: 'string' },
  },
});
const NEEDS = Number(values.needs);
const ORDERS = Number(values.orders);
const BIG = Number(values.big);

const dynamo = await startDynamoDbLocal();
Object.assign(process.env, localAwsEnv(dynamo.endpoint), { POWERTOOLS_LOG_LEVEL: 'ERROR' });
const admin = new DynamoDBClient({});
const names = Object.fromEntries(tables.map((table) => [table.id, `bench-${table.id}`])) as Record<
  (typeof tables)[number]['id'],
  string
>;
for (const table of tables) {
  await ensureTable(admin, names[table.id], table);
  process.env[table.envVar] = names[table.id];
}
admin.destroy();
// The handlers' modules read their environment when loaded.
const { aggregateRecords } = await import('../functions/aggregates/aggregate-records');
const { handler: summary } = await import('../functions/reports/needs-summary');
const { handler: revenue } = await import('../functions/reports/revenue');
const { invoke } = await import('../test/support/invoke');

const figures: Record<string, unknown> = { node: process.version, needs: NEEDS, orders: ORDERS };
const say = (key: string, value: unknown, line: string) => {
  figures[key] = value;
  console.log(line);
};

let serial = 0;
const id = (kind: string) => `01J${kind}${String(serial++).padStart(22, '0')}`;
const day = (i: number) =>
  new Date(Date.UTC(2026, 0, 1) + (i % 365) * 86_400_000 + 3_600_000 * (i % 24)).toISOString();
const TYPES = Array.from({ length: 20 }, (_, i) => `type_${i}`);
const CHANNELS = ['feedback', 'survey', 'sales_report', 'web_form', 'email', 'call', 'other'];
const newNeed = (tenant: string, i: number) =>
  needItem(tenant, {
    id: id('N'),
    type: TYPES[i % TYPES.length],
    channel: CHANNELS[i % CHANNELS.length],
    receivedAt: day(i),
    estimatedValue: { amountMinor: 1_000 + i, currency: 'EUR' },
  });
const lines = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    sku: `SKU-${String(i).padStart(5, '0')}`,
    category: `Category ${i % 12}`,
    quantity: 1 + (i % 5),
    lineTotalMinor: 500 + i,
  }));
const order = (tenant: string, fields: Partial<OrderFields> = {}): Record<string, unknown> =>
  orderItem(tenant, {
    id: id('O'),
    customerId: `01JCUSTOMER${String(serial % 50).padStart(15, '0')}`,
    customerCountry: ['DE', 'FR', 'GB', 'US'][serial % 4],
    status: 'SUBMITTED',
    createdAt: day(serial),
    lines: lines(3),
    ...fields,
  });

async function deliverAll(records: DynamoDBRecord[]) {
  for (let i = 0; i < records.length; i += 25) {
    const outcome = await aggregateRecords(records.slice(i, i + 25));
    if (outcome.failedAt !== undefined) throw new Error(`batch at ${i} failed at ${outcome.failedAt}`);
  }
}
async function timed(records: DynamoDBRecord[]) {
  const started = performance.now();
  await deliverAll(records);
  return (performance.now() - started) / 1000;
}

// ---- 1. throughput, unmetered ----
const bench = 'bench-throughput';
{
  const needs = Array.from({ length: NEEDS }, (_, i) => changeRecord(undefined, newNeed(bench, i)));
  const seconds = await timed(needs);
  say(
    'needsPerSecond',
    NEEDS / seconds,
    `new needs, batches of 25: ${(NEEDS / seconds).toFixed(0)} records/s`,
  );
  const orders = Array.from({ length: ORDERS }, () =>
    changeRecord(undefined, order(bench, { status: 'APPROVED' })),
  );
  const orderSeconds = await timed(orders);
  say(
    'ordersPerSecond',
    ORDERS / orderSeconds,
    `approved 3-line orders, batches of 25: ${(ORDERS / orderSeconds).toFixed(0)} records/s`,
  );
  const big = Array.from({ length: BIG }, () =>
    changeRecord(
      undefined,
      order(bench, { status: 'CLOSED', lines: lines(600), imported: true, ...closed() }),
    ),
  );
  const bigSeconds = await timed(big);
  say(
    'bigOrderSeconds',
    bigSeconds / BIG,
    `imported CLOSED orders of 600 lines, one at a time: ${(bigSeconds / BIG).toFixed(2)} s each (${((BIG * 600) / bigSeconds).toFixed(0)} lines/s)`,
  );
}

function closed() {
  return {
    evaluation: {
      stageSeconds: { SUBMITTED: 30, PENDING_APPROVAL: 3_600, DELIVERED: 10 },
      cycleSeconds: 200_000,
      onTime: true,
      closedAt: day(serial + 3),
    },
  };
}

// ---- 2. what each change costs, metered ----
const metered = meteredFunctions(names);
const cost = async (label: string, key: string, records: DynamoDBRecord[]) => {
  const { writeUnits, readUnits, byCommand } = await metered.run('aggregateSales', () =>
    aggregateRecords(records),
  );
  const transactions = byCommand.TransactWriteItemsCommand ?? 0;
  say(
    key,
    { writeUnits, readUnits, transactions },
    `${label}: ${writeUnits} WCU in ${transactions} transaction(s)`,
  );
};
{
  const tenant = 'bench-cost';
  // The zone is read once a minute per tenant: read it first, so that each figure is the change's own.
  await metered.run('aggregateSales', () => aggregateRecords([changeRecord(undefined, newNeed(tenant, 0))]));
  const need = newNeed(tenant, 1);
  await cost('need created', 'needCreated', [changeRecord(undefined, need)]);
  const qualified = { ...need, status: 'QUALIFIED', version: 2 };
  await cost('need status changed', 'needStatusChanged', [changeRecord(need, qualified)]);
  const revalued = { ...qualified, estimatedValue: { amountMinor: 99, currency: 'EUR' }, version: 3 };
  await cost('need estimate changed', 'needValueChanged', [changeRecord(qualified, revalued)]);
  await cost('need deleted', 'needDeleted', [changeRecord(revalued, undefined)]);
  const batch = Array.from({ length: 25 }, (_, i) => changeRecord(undefined, newNeed(tenant, 100 + i * 17)));
  await cost('25 new needs in one batch (spread over the year)', 'needBatch', batch);

  const submitted = order(tenant);
  await cost('order created (3 lines, SUBMITTED)', 'orderCreated', [changeRecord(undefined, submitted)]);
  const approved = { ...submitted, status: 'APPROVED' };
  await cost('order approved (revenue in, pipeline moves)', 'orderApproved', [
    changeRecord(submitted, approved),
  ]);
  const reserved = { ...approved, status: 'STOCK_RESERVED' };
  await cost('order moved on (pipeline moves)', 'orderMovedOn', [changeRecord(approved, reserved)]);
  const parked = { ...reserved, task: { kind: 'shipment', token: 'x'.repeat(200), enteredAt: day(9) } };
  await cost('order changed without moving (a task token parked)', 'orderUnmoved', [
    changeRecord(reserved, parked),
  ]);
  const done = { ...reserved, status: 'CLOSED', ...closed() };
  await cost('order closed (leaves the pipeline, fulfilment in)', 'orderClosed', [
    changeRecord(reserved, done),
  ]);
  const rated = { ...done, feedback: { rating: 5, by: 'c', at: day(9) } };
  await cost('order rated after closing', 'orderRated', [changeRecord(done, rated)]);
  for (const n of [1, 10, 98, 600, 1000]) {
    const imported = order(tenant, { status: 'CLOSED', lines: lines(n), imported: true, ...closed() });
    await cost(`imported CLOSED order of ${n} lines`, `imported${n}`, [changeRecord(undefined, imported)]);
  }
}

// ---- 3. what reading costs ----
{
  const read = async (
    label: string,
    key: string,
    handler: typeof summary,
    path: string,
    query: Record<string, string>,
  ) => {
    const operationId = path.includes('revenue') ? 'getRevenueReport' : 'getNeedsSummary';
    const { response, byCommand, readUnits } = await metered.run(operationId, () =>
      invoke(handler, {
        routeKey: `GET ${path}`,
        query,
        principal: { tenantId: bench, userId: 'bench', roles: ['analyst'] },
      }),
    );
    const rows = (response.body as { rows: unknown[] }).rows.length;
    const requests = Object.entries(byCommand)
      .map(([command, n]) => `${n} ${command.replace(/Command$/, '')}`)
      .join(' + ');
    say(
      key,
      { readUnits, rows, requests: byCommand },
      `${label}: ${rows} rows, ${requests}, ${readUnits} RCU`,
    );
  };
  const summaryPath = '/v1/analysis/needs/summary';
  await read('needs per day, 31 days', 'readNeedsDay31', summary, summaryPath, {
    period: 'day',
    from: '2026-03-01',
    to: '2026-04-01',
  });
  await read('needs per day, 365 days', 'readNeedsDay365', summary, summaryPath, {
    period: 'day',
    from: '2026-01-01',
    to: '2027-01-01',
    limit: '2000',
  });
  await read('needs by type per month, 12 months', 'readNeedsTypeMonth', summary, summaryPath, {
    groupBy: 'type',
    from: '2026-01-01',
    to: '2027-01-01',
  });
  await read(
    'revenue by product per month, 12 months',
    'readRevenueProduct',
    revenue,
    '/v1/reports/revenue',
    {
      groupBy: 'product',
      from: '2026-01-01',
      to: '2027-01-01',
      limit: '2000',
    },
  );
}
if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
await dynamo.stop();
