/**
 * `npm run bench:orders [-- --orders 200 --concurrency 8]`
 *
 * On the local twin over HTTP: creates orders that auto-approve and runs each to CLOSED (the
 * benchmark plays the fulfilment partner: shipment, then delivery). Prints the throughput and
 * latency of POST /v1/orders, DynamoDB requests and capacity units per function, state
 * transitions per order, and — in the same run — the throughput of the raw DynamoDB Local
 * requests the create path makes, with the ratio between the two. Finally, the AWS cost of one
 * order's lifecycle from the counted units and the price table in scripts/bench/aws-prices.ts.
 * It prints figures; it asserts nothing.
 */
import { parseArgs } from 'node:util';
import { functionName, functions } from '../functions/manifest';
import { invocationObservers } from '../local/lambda-runtime';
import { startTwin } from '../local/twin';
import { AWS_PRICES } from './bench/aws-prices';
import { meterDynamoDb } from './bench/dynamo-meter';
import { percentile, pool } from './bench/percentiles';
import { measureRawCreatePath } from './bench/raw-create-path';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
const { values } = parseArgs({
  options: { orders: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '8' } },
});
const ORDERS = Number(values.orders);
const CONCURRENCY = Number(values.concurrency);

const twin = await startTwin({ port: 0 });
const { dynamodb } = await import('../functions/shared/db/client');
const meters = meterDynamoDb(dynamodb);
const durations = new Map<string, number[]>();
invocationObservers.add((name, ms) => durations.set(name, [...(durations.get(name) ?? []), ms]));

const tenantId = 'bench';
const tokens = {
  admin: await twin.token({ tenantId, userId: 'bench-admin', roles: ['admin'] }),
  sales: await twin.token({ tenantId, userId: 'bench-sales', roles: ['sales'] }),
  fulfilment: await twin.token({ tenantId, userId: 'bench-partner', roles: ['fulfilment'] }),
};
const call = async (
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  const res = await fetch(twin.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as { id: string };
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
};

const customer = await call(tokens.admin, 'POST', '/v1/customers', { name: 'Bench Retail Ltd' });
await call(tokens.admin, 'POST', '/v1/products', {
  sku: 'BENCH-1',
  name: 'Bench widget',
  category: 'Bench',
  unitPrice: { amountMinor: 1000, currency: 'EUR' },
  stock: { onHand: 1_000_000_000 },
});
meters.clear();
durations.clear();

// Phase 1: create orders (their workflows run meanwhile, as they would in production).
const latencies: number[] = [];
const orderIds: string[] = [];
const createStarted = performance.now();
await pool(ORDERS, CONCURRENCY, async (i) => {
  const started = performance.now();
  const order = await call(
    tokens.sales,
    'POST',
    '/v1/orders',
    { customerId: customer.id, currency: 'EUR', lines: [{ sku: 'BENCH-1', quantity: 1 }] },
    { 'idempotency-key': `bench-order-${i.toString().padStart(8, '0')}` },
  );
  latencies.push(performance.now() - started);
  orderIds.push(order.id);
});
const createSeconds = (performance.now() - createStarted) / 1000;

// Phase 2: the partner ships and delivers each order; the workflow closes it.
const lifecycleStarted = performance.now();
await pool(orderIds.length, CONCURRENCY, async (i) => {
  const id = orderIds[i] as string;
  await twin.runner.waitForTaskToken(id, 'RequestFulfilment', 60_000);
  await call(
    tokens.fulfilment,
    'POST',
    `/v1/orders/${id}/shipments`,
    { carrier: 'DHL', trackingNumber: `T${i}` },
    {
      'idempotency-key': `bench-ship-${i.toString().padStart(8, '0')}`,
    },
  );
  await twin.runner.waitForTaskToken(id, 'AwaitDelivery', 60_000);
  await call(tokens.fulfilment, 'POST', `/v1/orders/${id}/delivery`, {});
  const execution = await twin.runner.waitForExecution(id, 60_000);
  if (execution.status !== 'SUCCEEDED') throw new Error(`order ${id} ended ${execution.status}`);
});
const lifecycleSeconds = (performance.now() - lifecycleStarted) / 1000;
const transitions = orderIds.map((id) => twin.runner.execution(id)?.transitions ?? 0);
const closed = await call(tokens.admin, 'GET', `/v1/orders/${orderIds[0]}`);

// Raw DynamoDB Local at the same concurrency: the create path's requests alone, and those plus
// the workflow's own until the order waits for the partner, which run while the next orders are
// created (the HTTP figure includes them, so the fair ceiling does too).
const rawOptions = { endpoint: twin.dynamoDbEndpoint, count: ORDERS, concurrency: CONCURRENCY };
const raw = await measureRawCreatePath({ ...rawOptions, withWorkflow: false });
const rawWithWorkflow = await measureRawCreatePath({ ...rawOptions, withWorkflow: true });
await twin.stop();

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const httpThroughput = ORDERS / createSeconds;
console.log(`\nOrders: ${ORDERS}, concurrency ${CONCURRENCY}, node ${process.version}`);
console.log(
  `POST /v1/orders: ${fmt(httpThroughput)} orders/s; latency p50 ${fmt(percentile(latencies, 50))} ms, p95 ${fmt(percentile(latencies, 95))} ms, p99 ${fmt(percentile(latencies, 99))} ms`,
);
console.log(
  `raw DynamoDB Local, the create path's ${raw.requestsPerCreate} requests: ${fmt(raw.throughput)} orders/s; HTTP / raw ${fmt(httpThroughput / raw.throughput, 2)}`,
);
console.log(
  `raw DynamoDB Local, create path + workflow until it waits (${rawWithWorkflow.requestsPerCreate} requests): ${fmt(rawWithWorkflow.throughput)} orders/s; HTTP / raw ${fmt(httpThroughput / rawWithWorkflow.throughput, 2)} (target ≥ 0.80)`,
);
console.log(
  `ship + deliver + close, all orders: ${fmt(lifecycleSeconds, 2)} s; sample order ${(closed as unknown as { status: string }).status}`,
);
console.log(
  `state transitions per order: median ${percentile(transitions, 50)}, max ${Math.max(...transitions)}`,
);

console.log(
  '\nPer function, per invocation (DynamoDB units as DynamoDB Local reports them; transactions ×2):',
);
const rows = [...meters.entries()].map(([name, m]) => {
  const invocations = durations.get(name)?.length ?? 1;
  return { name, invocations, m, ms: percentile(durations.get(name) ?? [0], 50) };
});
rows.sort((a, b) => a.name.localeCompare(b.name));
console.log(
  '  function                   calls   reqs/call  RRU/call  WRU/call  median ms  requests by command',
);
for (const { name, invocations, m, ms } of rows) {
  const byCommand = Object.entries(m.byCommand)
    .map(([c, n]) => `${fmt(n / invocations, 2)} ${c}`)
    .join(', ');
  console.log(
    `  ${name.padEnd(26)} ${String(invocations).padStart(5)}  ${fmt(m.requests / invocations, 2).padStart(9)}  ${fmt(m.readUnits / invocations, 2).padStart(8)}  ${fmt(m.writeUnits / invocations, 2).padStart(8)}  ${fmt(ms).padStart(9)}  ${byCommand}`,
  );
}

// Cost of one order's lifecycle, from what was counted.
const perOrder = (total: number) => total / ORDERS;
const invocations = [...durations.values()].reduce((n, list) => n + list.length, 0);
// Lambda bills each invocation's duration, rounded up to the millisecond, times its memory.
const memoryGb = (name: string) =>
  (functions.find((fn) => functionName(fn) === name)?.memoryMb ?? 1024) / 1024;
const gbSeconds = [...durations.entries()].reduce(
  (sum, [name, list]) => sum + list.reduce((s, ms) => s + Math.ceil(ms) / 1000, 0) * memoryGb(name),
  0,
);
const rru = [...meters.values()].reduce((s, m) => s + m.readUnits, 0);
const wru = [...meters.values()].reduce((s, m) => s + m.writeUnits, 0);
const httpRequests = 3 * ORDERS; // create, shipment, delivery
const transitionsTotal = transitions.reduce((a, b) => a + b, 0);
const cost = {
  'Step Functions transitions': perOrder(transitionsTotal) * AWS_PRICES.stepFunctionsStandardPerTransition,
  'Lambda requests': perOrder(invocations) * AWS_PRICES.lambdaPerRequest,
  'Lambda GB-seconds (arm64)': perOrder(gbSeconds) * AWS_PRICES.lambdaArmPerGbSecond,
  'DynamoDB write units': perOrder(wru) * AWS_PRICES.dynamoDbPerWriteRequestUnit,
  'DynamoDB read units': perOrder(rru) * AWS_PRICES.dynamoDbPerReadRequestUnit,
  'HTTP API requests': perOrder(httpRequests) * AWS_PRICES.httpApiPerRequest,
};
const total = Object.values(cost).reduce((a, b) => a + b, 0);
console.log(
  `\nAWS cost of one order's lifecycle (${AWS_PRICES.region} list prices, scripts/bench/aws-prices.ts):`,
);
console.log(
  `  per order: ${fmt(perOrder(transitionsTotal), 1)} transitions, ${fmt(perOrder(invocations), 1)} Lambda invocations, ` +
    `${fmt(perOrder(gbSeconds), 3)} GB-s (local durations), ${fmt(perOrder(wru), 1)} WRU, ${fmt(perOrder(rru), 1)} RRU, 3 HTTP requests`,
);
for (const [item, usd] of Object.entries(cost)) console.log(`  ${item.padEnd(34)} $${usd.toFixed(8)}`);
console.log(
  `  ${'total'.padEnd(34)} $${total.toFixed(8)}  (= $${(total * 1_000_000).toFixed(2)} per million orders)`,
);
