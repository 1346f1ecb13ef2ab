/**
 * `npm run bench:orders [-- --orders 40 --concurrency 8 --rounds 3 --metered 5 --json out.json]`
 *
 * Two parts, each on its own local twin; it prints figures and asserts nothing.
 *
 * 1. Cost of one order's lifecycle, per path (1 line auto-approved, 3 lines, one approval level):
 *    orders run to CLOSED one at a time, every DynamoDB request metered by AWS's billing rules
 *    from the items it touched (local/capacity/), DynamoDB Local's own figure beside it; Lambda
 *    GB-seconds estimated from each invocation's CPU time plus its waits on DynamoDB (not from
 *    wall time on a shared machine); state transitions counted by the runner; priced with
 *    scripts/bench/aws-prices.ts.
 * 2. Throughput of the create path over HTTP against raw DynamoDB Local doing the same path's
 *    requests (recorded from the twin, replayed with fresh ids: scripts/bench/replay.ts), at the
 *    same concurrency, in alternating rounds so both see the same machine. "Carried" means from
 *    POST until the order waits for its partner, every workflow step up to there done; "POST
 *    only" means the POST's own requests. A failed request is counted by status; the run goes on.
 *
 * `--throughput [--orders N | --seconds S] [--levels 1,8]` runs neither: only POST /v1/orders,
 * at each concurrency level in turn, with orders/s, latency and cold starts per level
 * (scripts/bench/post-throughput.ts).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { functionName, functions } from '../functions/manifest';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import type { DynamoRecord, InvocationRecord } from '../local/lambda/runtime';
import { startTwin, type Twin } from '../local/twin';
import { AWS_PRICES } from './bench/aws-prices';
import { benchClient, StatusCounter } from './bench/http';
import {
  type BenchShop,
  openBenchShop,
  placeOrder,
  runToClosed,
  SCENARIOS,
  type Scenario,
} from './bench/lifecycle';
import { percentile, pool } from './bench/percentiles';
import { postThroughput } from './bench/post-throughput';
import { planReplay, type RecordedRequest, rawClient, replayOnce } from './bench/replay';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    metered: { type: 'string', default: '5' },
    json: { type: 'string' },
    throughput: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    levels: { type: 'string', default: '1,8' },
  },
});
if (values.throughput) {
  const result = await postThroughput({
    levels: values.levels.split(',').map(Number),
    orders: Number(values.orders),
    seconds: values.seconds === undefined ? undefined : Number(values.seconds),
  });
  if (values.json)
    writeFileSync(values.json, `${JSON.stringify({ node: process.version, ...result }, null, 2)}\n`);
  process.exit(0);
}
const ORDERS = Number(values.orders);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const METERED = Number(values.metered);
const figures: Record<string, unknown> = {
  node: process.version,
  ordersPerRound: ORDERS,
  concurrency: CONCURRENCY,
  rounds: ROUNDS,
};
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const memoryGb = (name: string) =>
  (functions.find((fn) => functionName(fn) === name)?.memoryMb ?? 1024) / 1024;

function observe(twin: Twin) {
  const invocations: InvocationRecord[] = [];
  const requests: DynamoRecord[] = [];
  twin.runtime.observers.invocation.add((r) => invocations.push(r));
  twin.runtime.observers.dynamo.add((r) => requests.push(r));
  return { invocations, requests };
}

/** The path whose throughput part 2 measures: one line, auto-approved. */
const path = SCENARIOS[0] as Scenario;

/** POST, then wait until the workflow has parked the order on its partner: the carried path. */
async function carry(
  twin: Twin,
  call: ReturnType<typeof benchClient>,
  shop: BenchShop,
  key: string,
): Promise<number | undefined> {
  const started = performance.now();
  const id = await placeOrder(call, shop, path.lines, key);
  if (!id) return undefined;
  const postMs = performance.now() - started;
  const parked = await twin.runner.waitForTaskToken(id, 'RequestFulfilment', 120_000).then(
    () => true,
    () => false,
  );
  return parked ? postMs : undefined;
}

// One DynamoDB Local for both parts: the requests recorded in part 1 are replayed in part 2
// against the same tables, where the customer and products they refer to exist.
const dynamo = await startDynamoDbLocal();
const common = {
  port: 0,
  dynamoDbEndpoint: dynamo.endpoint,
  tablePrefix: 'bench',
  functionLogLevel: 'SILENT',
  recordWorkflowEvents: false,
};

// ── Part 1: what one order costs ────────────────────────────────────────────────────────────
console.log(`Cost of one order (${METERED} orders per path, one at a time, metered) …`);
const metered = await startTwin({ ...common, meterCapacity: true, recordRequests: true });
const meteredCounter = new StatusCounter();
const meteredCall = benchClient(metered.url, meteredCounter);
const meteredShop = await openBenchShop(metered, meteredCall);
const seen = observe(metered);

interface PathCost {
  scenario: string;
  orders: number;
  perOrder: {
    transitions: number;
    httpRequests: number;
    invocations: number;
    dynamoRequests: number;
    wru: number;
    rru: number;
    localUnits: number;
    gbSeconds: number;
    cpuMs: number;
    dynamoWaitMs: number;
  };
  byFunction: Record<
    string,
    {
      invocations: number;
      requests: number;
      wru: number;
      rru: number;
      localUnits: number;
      cpuMs: number;
      waitMs: number;
    }
  >;
  costUsd: Record<string, number>;
  totalUsd: number;
}

async function costOf(scenario: Scenario): Promise<PathCost> {
  // One order first, unmetered in the figures: environments get created (cold starts) then.
  await runToClosed(metered, meteredCall, meteredShop, scenario, `warm-${scenario.slug}`);
  const from = { invocations: seen.invocations.length, requests: seen.requests.length };
  const httpSoFar = () => [...meteredCounter.byStatus.values()].reduce((a, b) => a + b, 0);
  const http = httpSoFar();
  const ids: string[] = [];
  for (let i = 0; i < METERED; i++) {
    const id = await runToClosed(metered, meteredCall, meteredShop, scenario, `${scenario.slug}-${i}`);
    if (id) ids.push(id);
  }
  const httpRequests = httpSoFar() - http;
  const invocations = seen.invocations.slice(from.invocations);
  const requests = seen.requests.slice(from.requests);
  const waitByInvocation = new Map<string, number>();
  for (const r of requests)
    waitByInvocation.set(
      r.awsRequestId ?? '',
      (waitByInvocation.get(r.awsRequestId ?? '') ?? 0) + r.durationMs,
    );
  const byFunction: PathCost['byFunction'] = {};
  let gbSeconds = 0;
  const rowOf = (name: string) => {
    byFunction[name] ??= { invocations: 0, requests: 0, wru: 0, rru: 0, localUnits: 0, cpuMs: 0, waitMs: 0 };
    return byFunction[name];
  };
  for (const inv of invocations) {
    const f = rowOf(inv.functionName);
    const waitMs = waitByInvocation.get(inv.awsRequestId) ?? 0;
    f.invocations += 1;
    f.cpuMs += inv.cpuMs;
    f.waitMs += waitMs;
    // Lambda bills each invocation's duration rounded up to the millisecond, times its memory.
    gbSeconds += (Math.ceil(inv.cpuMs + waitMs) / 1000) * memoryGb(inv.functionName);
  }
  for (const r of requests) {
    const f = rowOf(r.functionName);
    f.requests += 1;
    f.wru += r.writeUnits ?? 0;
    f.rru += r.readUnits ?? 0;
    f.localUnits += r.localUnits ?? 0;
  }
  const n = Math.max(ids.length, 1);
  const sum = (pick: (f: PathCost['byFunction'][string]) => number) =>
    Object.values(byFunction).reduce((total, f) => total + pick(f), 0) / n;
  const transitions =
    ids.reduce((total, id) => total + (metered.runner.execution(id)?.transitions ?? 0), 0) / n;
  const perOrder = {
    transitions,
    httpRequests: httpRequests / n,
    invocations: invocations.length / n,
    dynamoRequests: requests.length / n,
    wru: sum((f) => f.wru),
    rru: sum((f) => f.rru),
    localUnits: sum((f) => f.localUnits),
    gbSeconds: gbSeconds / n,
    cpuMs: sum((f) => f.cpuMs),
    dynamoWaitMs: sum((f) => f.waitMs),
  };
  const costUsd = {
    'DynamoDB write units': perOrder.wru * AWS_PRICES.dynamoDbPerWriteRequestUnit,
    'Step Functions transitions': perOrder.transitions * AWS_PRICES.stepFunctionsStandardPerTransition,
    'Lambda GB-seconds (estimate)': perOrder.gbSeconds * AWS_PRICES.lambdaArmPerGbSecond,
    'HTTP API requests': perOrder.httpRequests * AWS_PRICES.httpApiPerRequest,
    'Lambda requests': perOrder.invocations * AWS_PRICES.lambdaPerRequest,
    'DynamoDB read units': perOrder.rru * AWS_PRICES.dynamoDbPerReadRequestUnit,
  };
  return {
    scenario: scenario.name,
    orders: ids.length,
    perOrder,
    byFunction,
    costUsd,
    totalUsd: Object.values(costUsd).reduce((a, b) => a + b, 0),
  };
}

const costs: PathCost[] = [];
for (const scenario of SCENARIOS) costs.push(await costOf(scenario));

/** One order's requests, by invocation in the order they ran: the carried path, and the POST alone. */
async function recordOne(key: string): Promise<{ all: RecordedRequest[]; post: RecordedRequest[] }> {
  const from = seen.requests.length;
  await carry(metered, meteredCall, meteredShop, key);
  const requests = seen.requests.slice(from);
  const invocationOrder = [...new Set(requests.map((r) => r.awsRequestId))];
  const all = invocationOrder
    .flatMap((id) => requests.filter((r) => r.awsRequestId === id))
    .map((r) => ({ command: r.command, input: r.input }));
  const post = requests
    .filter((r) => r.functionName === 'createOrder')
    .map((r) => ({ command: r.command, input: r.input }));
  return { all, post };
}
const first = await recordOne('record-1');
const second = await recordOne('record-2');
const carriedPlan = planReplay(first.all, second.all);
const postPlan = planReplay(first.post, second.post);
await metered.stop();
figures.costPerOrder = costs;

for (const cost of costs) {
  console.log(`\n${cost.scenario} (${cost.orders} orders to CLOSED):`);
  console.log(
    '  function                    calls  requests  WRU (AWS)  RRU (AWS)  Local units   CPU ms  DynamoDB wait ms',
  );
  for (const [name, f] of Object.entries(cost.byFunction).sort(([a], [b]) => a.localeCompare(b))) {
    const per = (v: number) => v / Math.max(cost.orders, 1);
    console.log(
      `  ${name.padEnd(26)} ${fmt(per(f.invocations), 1).padStart(6)} ${fmt(per(f.requests), 1).padStart(9)} ${fmt(per(f.wru), 1).padStart(10)} ${fmt(per(f.rru), 1).padStart(10)} ${fmt(per(f.localUnits), 1).padStart(12)} ${fmt(per(f.cpuMs), 1).padStart(8)} ${fmt(per(f.waitMs), 1).padStart(17)}`,
    );
  }
  const p = cost.perOrder;
  console.log(
    `  per order: ${fmt(p.wru)} WRU and ${fmt(p.rru)} RRU by AWS's rules (DynamoDB Local's own ConsumedCapacity: ${fmt(p.localUnits)} units, not a bill); ` +
      `${fmt(p.dynamoRequests)} DynamoDB requests, ${fmt(p.transitions)} state transitions, ${fmt(p.invocations)} Lambda invocations, ` +
      `${fmt(p.httpRequests)} HTTP requests, ${fmt(p.gbSeconds, 4)} GB-s (estimate: CPU ${fmt(p.cpuMs)} ms + DynamoDB waits ${fmt(p.dynamoWaitMs)} ms)`,
  );
  for (const [item, usd] of Object.entries(cost.costUsd).sort(([, a], [, b]) => b - a))
    console.log(`    ${item.padEnd(30)} $${usd.toFixed(8)}`);
  console.log(
    `    ${'total'.padEnd(30)} $${cost.totalUsd.toFixed(8)}  (= $${(cost.totalUsd * 1e6).toFixed(2)} per million orders, ${AWS_PRICES.region} list prices)`,
  );
}
if (Object.keys(meteredCounter.failures()).length)
  console.log('  failed requests:', meteredCounter.failures());

// ── Part 2: throughput, HTTP against raw DynamoDB Local, interleaved ────────────────────────
console.log(
  `\nThroughput at concurrency ${CONCURRENCY}: ${ROUNDS} rounds of ${ORDERS} orders per phase, phases alternating …`,
);
const twin = await startTwin(common);
const counter = new StatusCounter();
const call = benchClient(twin.url, counter);
const shop = await openBenchShop(twin, call, 'bench-throughput');
let keys = 0;
const nextKey = () => `bench-${(keys++).toString().padStart(8, '0')}`;
const carryOne = async () => {
  const ms = await carry(twin, call, shop, nextKey());
  if (ms === undefined) counter.count('carried order', 'not parked');
  return ms;
};

// Warm: the environments the run will use exist before anything is timed.
await pool(CONCURRENCY * 2, CONCURRENCY, async () => {
  await carryOne();
});
console.log(
  `  the carried path makes ${carriedPlan.requests.length} DynamoDB requests (${summarise(carriedPlan.requests)}); the POST alone ${postPlan.requests.length}`,
);

const raw = rawClient(twin.dynamoDbEndpoint);
const rawErrors = new Map<string, number>();
let replays = 0;
const replay = async (plan: typeof carriedPlan) => {
  for (const error of await replayOnce(raw, plan, replays++))
    rawErrors.set(error, (rawErrors.get(error) ?? 0) + 1);
};

const timed = async (task: () => Promise<unknown>) => {
  const started = performance.now();
  await pool(ORDERS, CONCURRENCY, async () => {
    await task();
  });
  return (performance.now() - started) / 1000;
};
const phases = { httpCarried: 0, rawCarried: 0, httpPost: 0, rawPost: 0 };
const carriedPostLatency: number[] = [];
const postOnlyLatency: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  phases.httpCarried += await timed(async () => {
    const ms = await carryOne();
    if (ms !== undefined) carriedPostLatency.push(ms);
  });
  phases.rawCarried += await timed(() => replay(carriedPlan));
  const pending: string[] = [];
  phases.httpPost += await timed(async () => {
    const started = performance.now();
    const id = await placeOrder(call, shop, path.lines, nextKey());
    if (id) {
      postOnlyLatency.push(performance.now() - started);
      pending.push(id);
    }
  });
  // Not timed: the POST-only orders' workflows finish before the next phase starts.
  await Promise.all(
    pending.map((id) =>
      twin.runner.waitForTaskToken(id, 'RequestFulfilment', 120_000).catch(() => undefined),
    ),
  );
  phases.rawPost += await timed(() => replay(postPlan));
  console.log(`  round ${round}/${ROUNDS} done`);
}
raw.destroy();
const total = ORDERS * ROUNDS;
const throughput = {
  httpCarried: total / phases.httpCarried,
  rawCarried: total / phases.rawCarried,
  httpPost: total / phases.httpPost,
  rawPost: total / phases.rawPost,
};
const coldStarts = twin.stats.coldStartTimes();
await twin.stop();
await dynamo.stop();

console.log(
  `\nMethod: ${ROUNDS} rounds; in each, ${ORDERS} orders per phase at concurrency ${CONCURRENCY}, phases in turn: HTTP carried, raw carried, HTTP POST only, raw POST only.`,
);
console.log(
  'Raw = DynamoDB Local receiving the very requests the twin made for one order (recorded, ids made fresh), with no HTTP, no Lambda environments, no workflow runner.',
);
console.log(
  `  carried (POST until the order waits for its partner): HTTP ${fmt(throughput.httpCarried)} orders/s, raw ${fmt(throughput.rawCarried)} orders/s → HTTP/raw ${fmt(throughput.httpCarried / throughput.rawCarried, 2)} (target ≥ 0.80)`,
);
console.log(
  `  POST only: HTTP ${fmt(throughput.httpPost)} orders/s, raw ${fmt(throughput.rawPost)} orders/s → HTTP/raw ${fmt(throughput.httpPost / throughput.rawPost, 2)}`,
);
console.log(
  `  POST latency while carrying: p50 ${fmt(percentile(carriedPostLatency, 50))} ms, p95 ${fmt(percentile(carriedPostLatency, 95))} ms; POST only: p50 ${fmt(percentile(postOnlyLatency, 50))} ms, p95 ${fmt(percentile(postOnlyLatency, 95))} ms`,
);
console.log(`  cold starts: ${coldStarts.length}, median init ${fmt(percentile(coldStarts, 50), 0)} ms`);
const failures = counter.failures();
if (Object.keys(failures).length) console.log('  failed requests (counted, the run went on):', failures);
if (rawErrors.size) console.log('  raw replay errors:', Object.fromEntries(rawErrors));
figures.throughput = {
  ordersPerSecond: throughput,
  secondsPerPhase: phases,
  ratioCarried: throughput.httpCarried / throughput.rawCarried,
  ratioPost: throughput.httpPost / throughput.rawPost,
};
figures.latencyMs = {
  carriedPost: { p50: percentile(carriedPostLatency, 50), p95: percentile(carriedPostLatency, 95) },
  postOnly: { p50: percentile(postOnlyLatency, 50), p95: percentile(postOnlyLatency, 95) },
};
figures.coldStarts = { count: coldStarts.length, medianInitMs: percentile(coldStarts, 50) };
figures.failures = {
  http: { ...meteredCounter.failures(), ...failures },
  raw: Object.fromEntries(rawErrors),
};
if (values.json) {
  writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`\nEvery figure: ${values.json}`);
}

function summarise(requests: RecordedRequest[]): string {
  const counts = new Map<string, number>();
  for (const r of requests)
    counts.set(r.command.replace(/Command$/, ''), (counts.get(r.command.replace(/Command$/, '')) ?? 0) + 1);
  return [...counts].map(([c, n]) => `${n} ${c}`).join(', ');
}
