/**
 * `npm run bench:needs [-- --single 400 --batches 20 --concurrency 8 --samples 100 --rate 10
 *   --verify 2000 --sizes 10000,1000000 --repeat 15 --skip-import --json out.json]`
 *
 * The needs side of Orderly on a local twin with a DynamoDB Local of its own; it prints figures
 * and asserts nothing.
 *
 * 1. Creates through the API: `--single` POST /v1/needs at `--concurrency`, and `--batches`
 *    POST /v1/needs/batch of 100 items two at a time: needs per second and latency.
 * 2. Import: data/online-retail-2010-12.csv through `npm run import`'s own code (customers,
 *    products, order history), rows per second per kind.
 * 3. Stream-to-aggregate lag: `--samples` needs created one at a time, `--rate` a second, while a
 *    reader polls GET /v1/analysis/needs/summary every 20 ms; a need's lag runs from the moment its
 *    POST answered to the first summary that counts it — what a user of the summary sees.
 * 4. Summary and report cost at each of `--sizes` needs. Method: a seeded generator makes the
 *    needs (one year, 8 types, 7 channels, 5 statuses, values in EUR) and the loader sums what the
 *    aggregator would add for each (the aggregator's own `contribution()`), then writes the summed
 *    aggregate items with BatchWriteItem. The need items themselves are not written: no summary
 *    reads them, and writing a million items through DynamoDB Local would take most of an hour.
 *    The loader is checked first: `--verify` need items are written to the domain table, the real
 *    aggregator (the twin's stream poller and `aggregateSales`) builds their aggregates, and every
 *    aggregate item must equal the loader's for the same needs. Then each summary (every groupBy ×
 *    day/week/month over the year) is read `--repeat` times on a metered twin: median latency,
 *    DynamoDB requests and read units by AWS's rules from the items read (local/capacity/), rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BatchWriteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { monotonicFactory } from 'ulid';
import { contribution } from '../functions/aggregates/contributions';
import type { NeedImage } from '../functions/aggregates/images';
import { seededRandom } from '../functions/analysis/random';
import { defaultZoneHistory } from '../functions/settings/time-zone';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { runImport } from '../local/import/run-import';
import type { DynamoRecord } from '../local/lambda/runtime';
import { startTwin } from '../local/twin';
import { benchClient, StatusCounter } from './bench/http';
import { percentile, pool } from './bench/percentiles';

const { values } = parseArgs({
  options: {
    single: { type: 'string', default: '400' },
    batches: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '8' },
    samples: { type: 'string', default: '100' },
    rate: { type: 'string', default: '10' },
    verify: { type: 'string', default: '2000' },
    sizes: { type: 'string', default: '10000,1000000' },
    repeat: { type: 'string', default: '15' },
    'skip-import': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const figures: Record<string, unknown> = { node: process.version };
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const median = (xs: number[]) => percentile(xs, 50);

const dynamo = await startDynamoDbLocal();
const raw = new DynamoDBClient({
  endpoint: dynamo.endpoint,
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const PREFIX = 'bench-needs';
const common = {
  port: 0,
  dynamoDbEndpoint: dynamo.endpoint,
  tablePrefix: PREFIX,
  functionLogLevel: 'SILENT',
  recordWorkflowEvents: false,
};
const streamsDir = mkdtempSync(join(tmpdir(), 'bench-needs-streams-'));
const counter = new StatusCounter();
const twin = await startTwin({ ...common, streamsDir });
const call = benchClient(twin.url, counter);
const admin = (tenantId: string) => twin.token({ tenantId, userId: 'bench', roles: ['admin'] });

async function customerOf(token: string): Promise<string> {
  const res = await call(token, 'POST', '/v1/customers', { name: 'Bench Ltd', address: benchAddress });
  if (res.status !== 201) throw new Error(`customer: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}
const benchAddress = { line1: '1 Bench Street', city: 'Leeds', country: 'GB' };

const TYPES = ['spare_parts', 'new_product', 'price', 'delivery', 'quality', 'service', 'training', 'other'];
const CHANNELS = ['feedback', 'survey', 'sales_report', 'web_form', 'email', 'call', 'other'];
const STATUSES = ['NEW', 'QUALIFIED', 'IN_PROGRESS', 'FULFILLED', 'DECLINED'];

const pick = <T>(next: () => number, list: readonly T[]) => list[Math.floor(next() * list.length)] as T;

const needBody = (customerId: string, i: number) => ({
  customerId,
  type: TYPES[i % TYPES.length],
  channel: CHANNELS[i % CHANNELS.length],
  title: `Bench need ${i}`,
  estimatedValue: { amountMinor: 1000 + (i % 97) * 100, currency: 'EUR' },
});

// ── 1. Creates through the API ──────────────────────────────────────────────────────────────
{
  const SINGLE = Number(values.single);
  const BATCHES = Number(values.batches);
  const CONCURRENCY = Number(values.concurrency);
  const token = await admin('bench-create');
  const customerId = await customerOf(token);
  const latencies: number[] = [];
  let started = performance.now();
  await pool(SINGLE, CONCURRENCY, async (i) => {
    const t0 = performance.now();
    const res = await call(token, 'POST', '/v1/needs', needBody(customerId, i));
    if (res.status === 201) latencies.push(performance.now() - t0);
  });
  const singleSeconds = (performance.now() - started) / 1000;
  const batchLatencies: number[] = [];
  let batchCreated = 0;
  started = performance.now();
  await pool(BATCHES, 2, async (b) => {
    const t0 = performance.now();
    const items = Array.from({ length: 100 }, (_, i) => needBody(customerId, b * 100 + i));
    const res = await call(token, 'POST', '/v1/needs/batch', { items });
    if (res.status === 200) {
      batchLatencies.push(performance.now() - t0);
      batchCreated += res.body.created;
    }
  });
  const batchSeconds = (performance.now() - started) / 1000;
  figures.creates = {
    single: {
      needs: latencies.length,
      concurrency: CONCURRENCY,
      perSecond: latencies.length / singleSeconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    },
    batch: {
      needs: batchCreated,
      batchesAtOnce: 2,
      perSecond: batchCreated / batchSeconds,
      batchP50Ms: percentile(batchLatencies, 50),
    },
  };
  console.log(
    `Creates: single ${fmt(latencies.length / singleSeconds)} needs/s (c=${CONCURRENCY}, p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms); batch ${fmt(batchCreated / batchSeconds)} needs/s (100 per batch, 2 at a time, p50 ${fmt(percentile(batchLatencies, 50))} ms per batch)`,
  );
  await twin.streams.drained();
}

// ── 2. Import of the Online Retail file ─────────────────────────────────────────────────────
if (!values['skip-import']) {
  const token = await admin('bench-import');
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-needs-import-'));
  const byKind: Record<string, unknown> = {};
  for (const kind of ['customers', 'products', 'orders'] as const) {
    const summary = await runImport({
      kind,
      file: 'data/online-retail-2010-12.csv',
      mappingFile: `data/mappings/online-retail-${kind}.json`,
      batchSize: 100,
      concurrency: 4,
      target: { url: twin.url, token, tenant: 'bench-import', user: 'bench' },
      stateDir,
      progress: { write: () => {}, tty: false },
      log: () => {},
    });
    byKind[kind] = {
      rows: summary.rows,
      items: summary.items,
      created: summary.created,
      rejected: summary.rejected,
      seconds: summary.seconds,
      rowsPerSecond: summary.rowsPerSecond,
    };
    console.log(
      `Import ${kind}: ${summary.rows} rows → ${summary.items} items (${summary.created} created, ${summary.rejected} refused) in ${fmt(summary.seconds)} s: ${fmt(summary.rowsPerSecond, 0)} rows/s`,
    );
  }
  rmSync(stateDir, { recursive: true, force: true });
  figures.import = byKind;
  await twin.streams.drained();
}

// ── 3. Stream-to-aggregate lag ──────────────────────────────────────────────────────────────
{
  const SAMPLES = Number(values.samples);
  const RATE = Number(values.rate);
  const tenant = 'bench-lag';
  const token = await admin(tenant);
  const customerId = await customerOf(token);
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const counted = async (): Promise<number> => {
    const res = await call(
      token,
      'GET',
      `/v1/analysis/needs/summary?groupBy=none&period=day&from=${today}&to=${tomorrow}`,
    );
    return (res.body?.rows ?? []).reduce((sum: number, row: { needs: number }) => sum + row.needs, 0);
  };
  const answeredAt: number[] = [];
  const lags: number[] = [];
  let posting = true;
  const reader = (async () => {
    let seen = 0;
    while (posting || seen < answeredAt.length) {
      const n = await counted();
      const at = performance.now();
      for (; seen < Math.min(n, answeredAt.length); seen++) lags.push(at - (answeredAt[seen] as number));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  for (let i = 0; i < SAMPLES; i++) {
    const next = performance.now() + 1000 / RATE;
    const res = await call(token, 'POST', '/v1/needs', needBody(customerId, i));
    if (res.status === 201) answeredAt.push(performance.now());
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
  }
  posting = false;
  await reader;
  figures.lag = {
    samples: lags.length,
    ratePerSecond: RATE,
    p50Ms: percentile(lags, 50),
    p99Ms: percentile(lags, 99),
  };
  console.log(
    `Stream-to-aggregate lag (${lags.length} needs at ${RATE}/s, manifest stream settings): p50 ${fmt(percentile(lags, 50), 0)} ms, p99 ${fmt(percentile(lags, 99), 0)} ms`,
  );
}

// ── 4. Summary cost by the number of needs ──────────────────────────────────────────────────
const aggregatesTable = `${PREFIX}-aggregates`;
const domainTableName = `${PREFIX}-domain`;
const YEAR_START = Date.parse('2025-12-01T00:00:00Z');
const YEAR_MS = 365 * 86_400_000;

/** The needs of a tenant, as their items are stored (functions/needs), from a seed. */
function* syntheticNeeds(tenantId: string, count: number, seed: number): Generator<NeedImage> {
  const next = seededRandom(seed); // the same needs for the same seed
  const ids = monotonicFactory(() => next());
  for (let i = 0; i < count; i++) {
    const receivedMs = YEAR_START + Math.floor(next() * YEAR_MS);
    const receivedAt = new Date(receivedMs).toISOString();
    const id = ids(receivedMs);
    yield {
      pk: `T#${tenantId}#NEED#${id}`,
      sk: 'NEED',
      entity: 'NEED',
      tenantId,
      id,
      customerId: id,
      type: pick(next, TYPES),
      channel: pick(next, CHANNELS),
      title: `Need ${i}`,
      priority: 'normal',
      status: pick(next, STATUSES),
      estimatedValue: { amountMinor: 100 + Math.floor(next() * 100_000), currency: 'EUR' },
      receivedAt,
      createdAt: receivedAt,
      updatedAt: receivedAt,
      version: 1,
      createdBy: 'bench',
    } as unknown as NeedImage;
  }
}

/** What the aggregator would have written for these needs: its own contribution(), summed per item. */
function loaderItems(needs: Iterable<NeedImage>): Map<string, Record<string, unknown>> {
  const zones = defaultZoneHistory();
  const items = new Map<string, Record<string, unknown>>();
  for (const need of needs) {
    for (const update of contribution(need, zones)) {
      const key = `${update.pk}\u0000${update.sk}`;
      const item = items.get(key) ?? { pk: update.pk, sk: update.sk };
      for (const [measure, value] of Object.entries(update.add))
        item[measure] = ((item[measure] as number | undefined) ?? 0) + value;
      items.set(key, item);
    }
  }
  return items;
}

async function batchWrite(table: string, items: Iterable<Record<string, unknown>>): Promise<number> {
  const all = [...items];
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < all.length; i += 25) chunks.push(all.slice(i, i + 25));
  await pool(chunks.length, 8, async (i) => {
    let requests = (chunks[i] as Record<string, unknown>[]).map((item) => ({
      PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) },
    }));
    while (requests.length) {
      const out = await raw.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  });
  return all.length;
}

/** The tenant's aggregate items as stored (a Scan: a benchmark's check, never a request path). */
async function storedAggregates(tenantId: string): Promise<Map<string, Record<string, unknown>>> {
  const items = new Map<string, Record<string, unknown>>();
  let start: Record<string, never> | undefined;
  do {
    const page = await raw.send(new ScanCommand({ TableName: aggregatesTable, ExclusiveStartKey: start }));
    for (const raw of page.Items ?? []) {
      const item = unmarshall(raw);
      if (!String(item.pk).startsWith(`T#${tenantId}#AGG#`) || String(item.pk).includes('#APPLIED#'))
        continue;
      // ADD leaves an item at zero when a change cancels out: the same as no item for a summary.
      const { pk, sk, ...measures } = item;
      if (Object.values(measures).every((v) => v === 0)) continue;
      items.set(`${pk}\u0000${sk}`, item);
    }
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return items;
}

{
  const VERIFY = Number(values.verify);
  const tenant = 'bench-verify';
  const needs = [...syntheticNeeds(tenant, VERIFY, 7)];
  const t0 = performance.now();
  await batchWrite(domainTableName, needs as unknown as Record<string, unknown>[]);
  await twin.streams.drained();
  const aggregatorSeconds = (performance.now() - t0) / 1000;
  const expected = loaderItems(needs);
  const stored = await storedAggregates(tenant);
  const differing = [...expected].filter(([key, item]) => {
    const got = stored.get(key);
    if (!got) return true;
    return Object.entries(item).some(([k, v]) => got[k] !== v);
  }).length;
  const extra = [...stored.keys()].filter((key) => !expected.has(key)).length;
  figures.loaderCheck = {
    needs: VERIFY,
    aggregateItems: expected.size,
    differing,
    extra,
    aggregatorNeedsPerSecond: VERIFY / aggregatorSeconds,
  };
  console.log(
    `Loader check: ${VERIFY} needs through the real aggregator in ${fmt(aggregatorSeconds)} s (${fmt(VERIFY / aggregatorSeconds, 0)} needs/s); ${expected.size} aggregate items, ${differing} differ from the loader's, ${extra} extra${differing + extra ? '  ← THE LOADER IS WRONG' : ''}`,
  );
}
await twin.stop();
rmSync(streamsDir, { recursive: true, force: true });

const sizes = values.sizes.split(',').map(Number);
for (const size of sizes) {
  const t0 = performance.now();
  const written = await batchWrite(
    aggregatesTable,
    loaderItems(syntheticNeeds(`bench-${size}`, size, 11)).values(),
  );
  console.log(
    `Loaded ${size} needs as ${written} aggregate items in ${fmt((performance.now() - t0) / 1000)} s`,
  );
}

const metered = await startTwin({ ...common, meterCapacity: true, resumeWorkflows: false });
const requests: DynamoRecord[] = [];
metered.runtime.observers.dynamo.add((record) => {
  if (record.functionName === 'getNeedsSummary') requests.push(record);
});
const meteredCall = benchClient(metered.url, counter);
const costs: Record<string, unknown>[] = [];
console.log('Summary cost (median of repeats; read units by AWS rules, eventually consistent):');
for (const groupBy of ['none', 'type', 'channel', 'status']) {
  for (const period of ['day', 'week', 'month']) {
    const line: string[] = [];
    for (const size of sizes) {
      const token = await metered.token({ tenantId: `bench-${size}`, userId: 'bench', roles: ['analyst'] });
      const times: number[] = [];
      let units = 0;
      let calls = 0;
      let rows = 0;
      for (let r = 0; r < Number(values.repeat); r++) {
        requests.length = 0;
        const started = performance.now();
        let cursor: string | undefined;
        rows = 0;
        do {
          const res = await meteredCall(
            token,
            'GET',
            `/v1/analysis/needs/summary?groupBy=${groupBy}&period=${period}&from=2025-12-01&to=2026-12-01&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          rows += res.body?.rows?.length ?? 0;
          cursor = res.body?.nextCursor;
        } while (cursor);
        times.push(performance.now() - started);
        units = requests.reduce((sum, q) => sum + (q.readUnits ?? 0), 0);
        calls = requests.length;
      }
      costs.push({
        groupBy,
        period,
        needs: size,
        rows,
        dynamoRequests: calls,
        readUnits: units,
        medianMs: median(times),
      });
      line.push(
        `${size} needs: ${rows} rows, ${calls} requests, ${fmt(units)} RCU, ${fmt(median(times))} ms`,
      );
    }
    console.log(`  groupBy=${groupBy} period=${period}: ${line.join(' | ')}`);
  }
}
figures.summaryCost = costs;
const failures = counter.failures();
if (Object.keys(failures).length) console.log('Failed requests:', failures);
figures.failures = failures;
if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
await metered.stop();
await dynamo.stop();
