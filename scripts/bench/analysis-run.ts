/**
 * `npm run bench:analysis -- run [--sizes 10000,1000000] [--read-concurrency 16] [--json out.json]`
 *
 * A whole analysis run (functions/analysis/runs/execute.ts) over a synthetic tenant of each size
 * (in needs; scripts/bench/analysis-run-data.ts says what else it holds), on a DynamoDB Local of
 * its own:
 * 1. the tenant's items are loaded straight into the tables (BatchWriteItem, 16 at a time), as
 *    the real code writes them, with the aggregate items a run reads;
 * 2. a run is queued as the API queues one (D1's queueRun) and executed by `executeRun` in a child
 *    process of its own, so that its peak memory is the run's and not the loader's: wall time,
 *    CPU time, peak RSS (getrusage) and peak V8 heap (sampled every 50 ms), each progress update
 *    as the run writes it (printed as it comes);
 * 3. read units by AWS's rules, from the sizes of the items each of the run's Queries read
 *    (local/capacity/units.ts): every Query the run made is recorded (key condition, start key,
 *    where its page ended) and replayed after the run without its projection, so the whole items
 *    of each page are summed as DynamoDB bills them — not DynamoDB Local's ConsumedCapacity, which
 *    the run stores in its `inputs.reads` (printed beside, for comparison). The replay runs after
 *    the timed run and outside its memory figures.
 * Asserts nothing; prints figures. docs/analysis.md quotes them with the machine's load.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Image } from '../../functions/aggregates/images';
import type { AnalysisRun } from '../../functions/analysis/runs/record';
import { tables } from '../../functions/shared/db/tables';
import { localAwsEnv } from '../../local/aws-env';
import { itemSize, readUnits } from '../../local/capacity/units';
import { ensureTable } from '../../local/create-tables';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import {
  customerItems,
  needs,
  orderItems,
  productItems,
  ReadAggregates,
  statusEntry,
  syntheticTenant,
} from './analysis-run-data';
import { pool } from './percentiles';

const PREFIX = 'bench-run';
const CHILD = 'ORDERLY_BENCH_ANALYSIS_RUN';
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024, 0)} MB`;

interface ChildSpec {
  run: AnalysisRun;
  endpoint: string;
  tableNames: Record<string, string>;
  readConcurrency: number;
}

interface ChildFigures {
  seconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  peakHeapBytes: number;
  peakExternalBytes: number;
  baselineRssBytes: number;
  status: string;
  error?: unknown;
  steps: { step: string; seconds: number; cpuSeconds: number; peakHeapBytes: number }[];
  liveHeapAfterReadingBytes: number;
  progressUpdates: number;
  inputs: AnalysisRun['inputs'];
  results: Record<string, unknown>;
  awsReadUnits: Record<string, { queries: number; items: number; bytes: number; readUnits: number }>;
  requests: Record<string, number>;
}

export async function benchRun(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: false,
    options: {
      sizes: { type: 'string', default: '10000,1000000' },
      'read-concurrency': { type: 'string', default: '16' },
      json: { type: 'string' },
    },
  });
  const sizes = String(values.sizes).split(',').map(Number);
  const dynamo = await startDynamoDbLocal();
  Object.assign(process.env, localAwsEnv(dynamo.endpoint));
  const raw = new DynamoDBClient({});
  const tableNames = Object.fromEntries(tables.map((t) => [t.envVar, `${PREFIX}-${t.id}`]));
  for (const table of tables) await ensureTable(raw, tableNames[table.envVar] as string, table);
  Object.assign(process.env, tableNames);
  // After the environment: these read the table names and endpoint when first used.
  const { queueRun } = await import('../../functions/analysis/runs/create-run');
  console.log(
    `machine: load average ${loadavg()
      .map((l) => fmt(l, 1))
      .join(
        ' ',
      )} at the start; DynamoDB Local in memory; reads ${values['read-concurrency']} Queries at a time`,
  );
  const all: Record<string, unknown>[] = [];
  try {
    for (const size of sizes) {
      const tenant = syntheticTenant(`bench-run-${size}`, size, size);
      const loaded = await load(raw, tableNames, tenant);
      console.log(
        `${size} needs: loaded ${Object.entries(loaded.items)
          .map(([kind, n]) => `${n} ${kind}`)
          .join(', ')} in ${fmt(loaded.seconds)} s (${fmt(loaded.itemsPerSecond, 0)} items/s)`,
      );
      const run = await queueRun(
        {
          tenantId: tenant.tenantId,
          trigger: 'api',
          requestedBy: 'bench',
          kinds: ['segments', 'classifier', 'trends', 'recommendations'],
          parameters: {
            seed: 1,
            segments: { k: 'auto' },
            classifier: { testSize: 0.2 },
            trends: { horizon: 4 },
          },
        },
        new Date(),
      );
      const figures = await runInChild({
        run,
        endpoint: dynamo.endpoint,
        tableNames,
        readConcurrency: Number(values['read-concurrency']),
      });
      report(size, figures);
      all.push({ needs: size, loaded, ...figures });
    }
  } finally {
    raw.destroy();
    await dynamo.stop();
  }
  if (values.json) writeFileSync(String(values.json), `${JSON.stringify(all, null, 2)}\n`);
}

function report(size: number, f: ChildFigures): void {
  const reads = f.inputs?.reads ?? {};
  const aws = Object.values(f.awsReadUnits).reduce((sum, r) => sum + r.readUnits, 0);
  const local = Object.values(reads).reduce((sum, r) => sum + r.readUnits, 0);
  console.log(
    `${size} needs: run ${f.status} in ${fmt(f.seconds)} s (CPU ${fmt(f.cpuSeconds)} s); peak RSS ${mb(f.peakRssBytes)} (${mb(f.baselineRssBytes)} before the run), peak heap ${mb(f.peakHeapBytes)}, peak external + array buffers ${mb(f.peakExternalBytes)}`,
  );
  console.log(
    `  live heap after reading (after a full GC): ${mb(f.liveHeapAfterReadingBytes)}; ${f.progressUpdates} progress updates`,
  );
  console.log(
    `  steps (wall s / CPU s / peak heap): ${f.steps.map((s) => `${s.step} ${fmt(s.seconds)}/${fmt(s.cpuSeconds)}/${mb(s.peakHeapBytes)}`).join(', ')}`,
  );
  console.log(
    `  read: ${Object.entries(reads)
      .map(([source, r]) => `${source} ${r.items}`)
      .join(
        ', ',
      )} items; ${fmt(aws)} read units by AWS's rules (eventually consistent; DynamoDB Local said ${fmt(local)})`,
  );
  for (const [source, r] of Object.entries(f.awsReadUnits))
    console.log(
      `    ${source}: ${r.queries} Queries, ${r.items} items, ${mb(r.bytes)}, ${fmt(r.readUnits)} RCU`,
    );
  console.log(
    `  requests: ${Object.entries(f.requests)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ')}`,
  );
  console.log(`  results: ${JSON.stringify(f.results)}`);
}

// ── Loading ────────────────────────────────────────────────────────────────────────────────

async function load(
  raw: DynamoDBClient,
  tableNames: Record<string, string>,
  tenant: ReturnType<typeof syntheticTenant>,
) {
  const started = performance.now();
  const domain = tableNames.DOMAIN_TABLE_NAME as string;
  const aggregates = new ReadAggregates();
  const items: Record<string, number> = {};
  items.products = await batchWrite(raw, domain, productItems(tenant));
  items.customers = await batchWrite(raw, domain, customerItems(tenant));
  items.orders = await batchWrite(
    raw,
    domain,
    tap(orderItems(tenant, 2), (order) => aggregates.add(order as unknown as Image)),
  );
  items['need entries'] = await batchWrite(
    raw,
    domain,
    map(needs(tenant, 3), (need) => {
      aggregates.add({ ...need, entity: 'NEED', tenantId: tenant.tenantId } as unknown as Image);
      return statusEntry(tenant.tenantId, need);
    }),
  );
  items['aggregate items'] = await batchWrite(
    raw,
    tableNames.AGGREGATES_TABLE_NAME as string,
    aggregates.items.values(),
  );
  const seconds = (performance.now() - started) / 1000;
  const total = Object.values(items).reduce((a, b) => a + b, 0);
  return { items, seconds, itemsPerSecond: total / seconds };
}

function* tap<T>(items: Iterable<T>, each: (item: T) => void): Generator<T> {
  for (const item of items) {
    each(item);
    yield item;
  }
}

function* map<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}

/** BatchWriteItem of 25 at a time, 16 in flight, drawing from the generator as it goes. */
async function batchWrite(raw: DynamoDBClient, table: string, items: Iterable<Record<string, unknown>>) {
  const source = items[Symbol.iterator]();
  let written = 0;
  const nextChunk = () => {
    const chunk: Record<string, unknown>[] = [];
    for (let next = source.next(); !next.done; next = source.next()) {
      chunk.push(next.value);
      if (chunk.length === 25) break;
    }
    return chunk;
  };
  await pool(16, 16, async () => {
    for (let chunk = nextChunk(); chunk.length; chunk = nextChunk()) {
      let requests = chunk.map((item) => ({
        PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) },
      }));
      while (requests.length) {
        const out = await raw.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
      written += chunk.length;
    }
  });
  return written;
}

// ── The run, in a child process ────────────────────────────────────────────────────────────

function runInChild(spec: ChildSpec): Promise<ChildFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url).pathname, [], {
      // --expose-gc: the live heap after reading is measured after a full collection.
      execArgv: ['--import', './local/ts-hooks.mjs', '--expose-gc'],
      env: { ...process.env, [CHILD]: JSON.stringify(spec) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let figures: ChildFigures | undefined;
    child.on('message', (message) => {
      figures = message as ChildFigures;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      figures ? resolve(figures) : reject(new Error(`the run's process exited ${code} without its figures`)),
    );
  });
}

interface RecordedQuery {
  input: QueryCommandInput;
  lastKey?: Record<string, AttributeValue>;
}

async function child(spec: ChildSpec): Promise<void> {
  Object.assign(process.env, localAwsEnv(spec.endpoint), spec.tableNames, { POWERTOOLS_LOG_LEVEL: 'WARN' });
  const { dynamodb, documentClient } = await import('../../functions/shared/db/client');
  const { executeRun } = await import('../../functions/analysis/runs/execute');
  const { runKey } = await import('../../functions/analysis/runs/keys');
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');

  const queries: RecordedQuery[] = [];
  const requests: Record<string, number> = {};
  dynamodb.middlewareStack.add(
    (next, context) => async (a) => {
      const command = (context.commandName ?? '').replace(/Command$/, '');
      requests[command] = (requests[command] ?? 0) + 1;
      const result = await next(a);
      if (command === 'Query') {
        const output = result.output as { LastEvaluatedKey?: Record<string, AttributeValue> };
        queries.push({
          input: structuredClone(a.input as QueryCommandInput),
          lastKey: output.LastEvaluatedKey,
        });
      }
      return result;
    },
    { step: 'build', name: 'benchQueryRecorder', override: true },
  );

  const baselineRss = process.memoryUsage().rss;
  let peakHeap = 0;
  let peakExternal = 0;
  let stepPeakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    stepPeakHeap = Math.max(stepPeakHeap, m.heapUsed);
    peakExternal = Math.max(peakExternal, m.external + m.arrayBuffers);
  };
  const sampler = setInterval(sample, 50);
  // Each step of the run (execute.ts's checkpoints), with its wall and CPU time to the next.
  const cpuNow = () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1e6;
  };
  const marks: { step: string; at: number; cpu: number; peakHeap?: number }[] = [];
  let updates = 0;
  let liveAfterReading = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const collect = (globalThis as { gc?: () => void }).gc;
  await executeRun(spec.run, {
    readConcurrency: spec.readConcurrency,
    checkpoint: (step) => {
      // Once everything is read, what the run holds is the folds' state: measured after a full
      // collection, whose own time is left out of the steps.
      if (marks.length === 1 && collect) {
        collect();
        liveAfterReading = process.memoryUsage().heapUsed;
      }
      sample();
      const previous = marks.at(-1);
      if (previous) previous.peakHeap = stepPeakHeap;
      stepPeakHeap = 0;
      marks.push({ step, at: performance.now(), cpu: cpuNow() });
    },
    progress: {
      onUpdate: (u) => {
        updates++;
        const at = (performance.now() - started) / 1000;
        const p = u.progress;
        console.log(
          `  [${fmt(at)} s] ${u.phase} ${p.percent ?? '–'} % (${p.recordsRead.toLocaleString('en')} of ${p.expectedRecords?.toLocaleString('en') ?? '?'} records); heap ${mb(process.memoryUsage().heapUsed)}`,
        );
      },
    },
  });
  const seconds = (performance.now() - started) / 1000;
  sample();
  const lastMark = marks.at(-1);
  if (lastMark) lastMark.peakHeap = stepPeakHeap;
  marks.push({ step: 'end', at: performance.now(), cpu: cpuNow() });
  // Named by what happens in them: from `storing` on, each kind's store ends at `stored:<kind>`.
  const nameOf = (mark: { step: string }, next: { step: string } | undefined) =>
    next?.step.startsWith('stored:')
      ? `store ${next.step.slice('stored:'.length)}`
      : mark.step.startsWith('stored:')
        ? 'extend kept results'
        : mark.step;
  const steps = marks.slice(0, -1).map((mark, i) => ({
    step: nameOf(mark, marks[i + 1]),
    peakHeapBytes: mark.peakHeap ?? 0,
    seconds: ((marks[i + 1]?.at ?? 0) - mark.at) / 1000,
    cpuSeconds: (marks[i + 1]?.cpu ?? 0) - mark.cpu,
  }));
  const used = process.cpuUsage(cpu);
  sample();
  clearInterval(sampler);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: spec.tableNames.DOMAIN_TABLE_NAME,
      Key: runKey(spec.run.tenantId, spec.run.id),
      ConsistentRead: true,
    }),
  );
  const run = Item as AnalysisRun;
  const figures: ChildFigures = {
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    peakRssBytes: peakRss,
    peakHeapBytes: peakHeap,
    peakExternalBytes: peakExternal,
    baselineRssBytes: baselineRss,
    status: run.status,
    ...(run.error ? { error: run.error } : {}),
    steps,
    liveHeapAfterReadingBytes: liveAfterReading,
    progressUpdates: updates,
    inputs: run.inputs,
    results: Object.fromEntries(
      Object.entries(run.results ?? {}).map(([k, r]) => [
        k,
        { status: r?.status, reason: r?.reason, ...r?.summary },
      ]),
    ),
    awsReadUnits: await replay(new DynamoDBClient({}), queries, spec.tableNames),
    requests,
  };
  process.send?.(figures);
}

/**
 * Each recorded Query again, without its projection, from the same start key to where its page
 * ended: the whole items of that page, summed and rounded as DynamoDB bills a Query page
 * (local/capacity/units.ts), eventually consistent as the run reads.
 */
async function replay(raw: DynamoDBClient, queries: RecordedQuery[], tableNames: Record<string, string>) {
  const out: Record<string, { queries: number; items: number; bytes: number; readUnits: number }> = {};
  const keyOf = (item: Record<string, AttributeValue>) => `${item.pk?.S}\u0000${item.sk?.S}`;
  for (const { input, lastKey } of queries) {
    const source = sourceOf(input, tableNames);
    const used = String(input.KeyConditionExpression);
    const names = Object.fromEntries(
      Object.entries(input.ExpressionAttributeNames ?? {}).filter(([k]) => used.includes(k)),
    );
    let start = input.ExclusiveStartKey as Record<string, AttributeValue> | undefined;
    let bytes = 0;
    let items = 0;
    const end = lastKey ? keyOf(lastKey) : undefined;
    for (let done = false; !done; ) {
      const page = await raw.send(
        new QueryCommand({
          TableName: input.TableName,
          IndexName: input.IndexName,
          KeyConditionExpression: input.KeyConditionExpression,
          ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
          ExpressionAttributeValues: input.ExpressionAttributeValues,
          ScanIndexForward: input.ScanIndexForward,
          ExclusiveStartKey: start,
          Limit: input.Limit,
        }),
      );
      for (const item of page.Items ?? []) {
        bytes += itemSize(item);
        items++;
        if (end !== undefined && keyOf(item) === end) done = true;
        if (done) break;
      }
      start = page.LastEvaluatedKey;
      if (!start || input.Limit !== undefined) done = true;
    }
    out[source] ??= { queries: 0, items: 0, bytes: 0, readUnits: 0 };
    const entry = out[source];
    entry.queries++;
    entry.items += items;
    entry.bytes += bytes;
    entry.readUnits += readUnits(bytes, input.ConsistentRead ? 'strong' : 'eventual');
  }
  return out;
}

function sourceOf(input: QueryCommandInput, tableNames: Record<string, string>): string {
  if (input.TableName === tableNames.AGGREGATES_TABLE_NAME) return 'aggregates';
  const partition = String(
    Object.values(input.ExpressionAttributeValues ?? {}).find((v) => String(v?.S).startsWith('T#'))?.S ?? '',
  );
  if (partition.includes('#NEEDS#STATUS#')) return 'needs';
  if (partition.includes('#ORDERS#')) return 'orders';
  if (partition.endsWith('#CUSTOMERS')) return 'customers';
  if (partition.endsWith('#PRODUCTS')) return 'products';
  return 'other';
}

if (process.env[CHILD]) await child(JSON.parse(process.env[CHILD]) as ChildSpec);
