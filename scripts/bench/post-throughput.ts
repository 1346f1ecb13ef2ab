import { startDynamoDbLocal } from '../../local/dynamodb-local';
import type { InvocationRecord } from '../../local/lambda/runtime';
import { startTwin } from '../../local/twin';
import { benchClient, StatusCounter } from './http';
import { openBenchShop, placeOrder } from './lifecycle';
import { percentile, pool } from './percentiles';

/**
 * `npm run bench:orders -- --throughput`: `POST /v1/orders` alone against one twin, at each
 * concurrency level in turn (default 1, then 8), for `--orders` orders or `--seconds` seconds a
 * level. Each client posts a one-line, auto-approved order and takes the next as soon as it
 * has its answer; the workflows the orders start run meanwhile on the same CPUs, as they would
 * in the twin anyway. Between levels, untimed, every order's workflow is waited for until it
 * parks on its partner, so a level does not pay for the one before. The twin's cold starts are
 * counted from its runtime: before the first level (the shop's set-up and one order), and
 * during each level (more environments for more concurrency).
 */
export interface ThroughputOptions {
  levels: number[];
  /** Orders a level; ignored when `seconds` is given. */
  orders: number;
  seconds?: number;
}

export interface LevelFigures {
  concurrency: number;
  orders: number;
  failed: number;
  seconds: number;
  ordersPerSecond: number;
  latencyMs: { p50: number; p95: number };
  coldStarts: { count: number; medianInitMs: number; byFunction: Record<string, number> };
}

const LINES = [{ sku: 'BENCH-1', quantity: 1 }];
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

export async function postThroughput(options: ThroughputOptions) {
  const dynamo = await startDynamoDbLocal();
  const twin = await startTwin({
    port: 0,
    dynamoDbEndpoint: dynamo.endpoint,
    tablePrefix: 'bench',
    functionLogLevel: 'SILENT',
    recordWorkflowEvents: false,
  });
  const coldStarts: InvocationRecord[] = [];
  twin.runtime.observers.invocation.add((record) => {
    if (record.coldStart) coldStarts.push(record);
  });
  const counter = new StatusCounter();
  const call = benchClient(twin.url, counter);
  const shop = await openBenchShop(twin, call, 'bench-throughput');
  let keys = 0;
  const parked = (ids: string[]) =>
    Promise.all(
      ids.map((id) => twin.runner.waitForTaskToken(id, 'RequestFulfilment', 120_000).catch(() => undefined)),
    );

  // The first order creates the environments a single client needs: not part of any level.
  const first = await placeOrder(call, shop, LINES, `throughput-${keys++}`);
  if (!first) throw new Error(`The first order failed: ${JSON.stringify(counter.failures())}`);
  await parked([first]);
  const setUpColdStarts = coldStarts.splice(0);

  const levels: LevelFigures[] = [];
  for (const concurrency of options.levels) {
    const latencies: number[] = [];
    const placed: string[] = [];
    let failed = 0;
    const postOne = async () => {
      const started = performance.now();
      const id = await placeOrder(call, shop, LINES, `throughput-${keys++}`);
      if (!id) {
        failed += 1;
        return;
      }
      latencies.push(performance.now() - started);
      placed.push(id);
    };
    const started = performance.now();
    if (options.seconds !== undefined) {
      const until = started + options.seconds * 1000;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() < until) await postOne();
        }),
      );
    } else {
      await pool(options.orders, concurrency, postOne);
    }
    const seconds = (performance.now() - started) / 1000;
    const levelColdStarts = coldStarts.splice(0);
    const initMs = levelColdStarts.map((r) => r.initMs ?? 0);
    const byFunction: Record<string, number> = {};
    for (const r of levelColdStarts) byFunction[r.functionName] = (byFunction[r.functionName] ?? 0) + 1;
    await parked(placed);
    coldStarts.splice(0); // of workflow tasks after the timed window: not this level's
    levels.push({
      concurrency,
      orders: placed.length,
      failed,
      seconds,
      ordersPerSecond: placed.length / seconds,
      latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
      coldStarts: { count: initMs.length, medianInitMs: percentile(initMs, 50), byFunction },
    });
  }
  const allColdStarts = twin.stats.coldStartTimes();
  await twin.stop();
  await dynamo.stop();

  console.log(
    `POST /v1/orders alone (1 line, auto-approved; the workflows run meanwhile), ${options.seconds !== undefined ? `${options.seconds} s` : `${options.orders} orders`} per level:`,
  );
  console.log(
    '  concurrency   orders   orders/s   p50 ms   p95 ms   cold starts (median init ms): functions',
  );
  for (const l of levels) {
    const which = Object.entries(l.coldStarts.byFunction)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    console.log(
      `  ${String(l.concurrency).padStart(11)} ${String(l.orders).padStart(8)} ${fmt(l.ordersPerSecond).padStart(10)} ${fmt(l.latencyMs.p50).padStart(8)} ${fmt(l.latencyMs.p95).padStart(8)}   ${l.coldStarts.count} (${fmt(l.coldStarts.medianInitMs, 0)})${which ? `: ${which}` : ''}${l.failed ? `   ${l.failed} failed` : ''}`,
    );
  }
  const setUpInit = setUpColdStarts.map((r) => r.initMs ?? 0);
  console.log(
    `  cold starts in the whole run: ${allColdStarts.length}, median init ${fmt(percentile(allColdStarts, 50), 0)} ms (${setUpInit.length} during the set-up and first order, median ${fmt(percentile(setUpInit, 50), 0)} ms)`,
  );
  const failures = counter.failures();
  if (Object.keys(failures).length) console.log('  failed requests (counted, the run went on):', failures);
  return {
    levels,
    coldStarts: { count: allColdStarts.length, medianInitMs: percentile(allColdStarts, 50) },
    failures,
  };
}
