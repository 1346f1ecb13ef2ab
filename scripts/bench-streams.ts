/**
 * `npm run bench:streams -- [--records 10000] [--samples 200] [--rate 20] [--json out.json]`
 *
 * The twin's stream poller (local/streams/) on a DynamoDB Local of its own, with a consumer that
 * does nothing, so the figures are the poller's and DynamoDB Local's:
 *
 * 1. Throughput: `--records` items are written first (BatchWriteItem), then a poller starts at the
 *    stream's oldest record and the time until `drained()` gives records per second, for the
 *    manifest's default batch size (25) and for Lambda's (100), with checkpoints in memory, and
 *    for 25 with checkpoints on disk as the twin keeps them (a flushed file per batch).
 * 2. Commit-to-consumer latency: `--samples` items are put one at a time, `--rate` a second, while
 *    the poller runs; each one's latency runs from the moment its PutItem answered to the moment
 *    the consumer was handed it. Once with the manifest's stream settings (batches gathered for up
 *    to 1 s), once with no batching window, which leaves the poll interval (250 ms) and the
 *    poller's own work.
 *
 * Prints one line per figure and, with --json, writes them all.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BatchWriteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { type StreamSource, streamConsumer } from '../functions/manifest';
import { domainTable } from '../functions/shared/db/tables';
import { ensureTable } from '../local/create-tables';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { startStreamPoller } from '../local/streams/poller';
import { percentile, pool } from './bench/percentiles';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '10000' },
    samples: { type: 'string', default: '200' },
    rate: { type: 'string', default: '20' },
    json: { type: 'string' },
  },
});
const RECORDS = Number(values.records);
const SAMPLES = Number(values.samples);
const RATE = Number(values.rate);

const dynamo = await startDynamoDbLocal();
const client = new DynamoDBClient({
  endpoint: dynamo.endpoint,
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
let tables = 0;
const freshTable = async () => {
  const name = `bench-streams-${++tables}`;
  await ensureTable(client, name, domainTable);
  return name;
};
/** An item about the size of a timeline event. */
const item = (i: number) => ({
  pk: { S: `T#bench#ORDER#${String(i % 97).padStart(4, '0')}` },
  sk: { S: `EVENT#${String(i).padStart(8, '0')}` },
  entity: { S: 'ORDER_EVENT' },
  type: { S: 'ORDER_APPROVED' },
  at: { S: new Date().toISOString() },
  data: { S: 'x'.repeat(300) },
});
const settings = (source: Partial<StreamSource>) =>
  streamConsumer('noop', 'scripts/bench-streams.ts', { filters: [], ...source }, {});

const figures: Record<string, unknown> = {
  node: process.version,
  records: RECORDS,
  samples: SAMPLES,
  rate: RATE,
};

const stateDir = mkdtempSync(join(tmpdir(), 'bench-streams-'));
for (const [batchSize, onDisk] of [
  [25, false],
  [100, false],
  [25, true],
] as const) {
  const table = await freshTable();
  await pool(Math.ceil(RECORDS / 25), 4, async (chunk) => {
    const requests = Array.from({ length: Math.min(25, RECORDS - chunk * 25) }, (_, j) => ({
      PutRequest: { Item: item(chunk * 25 + j) },
    }));
    let unprocessed: typeof requests | undefined = requests;
    while (unprocessed?.length) {
      const answer = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: unprocessed } }));
      unprocessed = answer.UnprocessedItems?.[table] as typeof requests | undefined;
    }
  });
  let seen = 0;
  const started = performance.now();
  const poller = await startStreamPoller({
    dynamoDbEndpoint: dynamo.endpoint,
    tableName: table,
    consumers: [settings({ batchSize, batchingWindowSeconds: 0 })],
    invoke: async (_fn, event: DynamoDBStreamEvent) => {
      seen += event.Records.length;
      return { batchItemFailures: [] };
    },
    ...(onDisk ? { stateDir: join(stateDir, table) } : {}),
  });
  await poller.drained(600_000);
  const seconds = (performance.now() - started) / 1000;
  const stats = poller.stats().noop;
  await poller.stop();
  if (seen !== RECORDS) throw new Error(`The consumer saw ${seen} records of ${RECORDS}`);
  const perSecond = Math.round(RECORDS / seconds);
  const label = `batch size ${batchSize}, checkpoints ${onDisk ? 'on disk (fsync)' : 'in memory'}`;
  figures[`throughput ${label}`] = { recordsPerSecond: perSecond, seconds, invocations: stats?.invocations };
  console.log(
    `throughput, ${label}: ${RECORDS} records in ${seconds.toFixed(2)} s = ${perSecond} records/s (${stats?.invocations} invocations)`,
  );
}

for (const [label, source] of [
  ['manifest settings (window 1 s, batch 25)', {}],
  ['no batching window', { batchingWindowSeconds: 0 }],
] as const) {
  const table = await freshTable();
  const committed = new Map<string, number>();
  const seen = new Map<string, number>();
  const poller = await startStreamPoller({
    dynamoDbEndpoint: dynamo.endpoint,
    tableName: table,
    consumers: [settings(source)],
    invoke: async (_fn, event: DynamoDBStreamEvent) => {
      const now = performance.now();
      for (const record of event.Records) seen.set(record.dynamodb?.Keys?.sk?.S as string, now);
      return { batchItemFailures: [] };
    },
  });
  const start = performance.now();
  for (let i = 0; i < SAMPLES; i++) {
    // Paced by the clock: a benchmark may, a test may not.
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const written = item(i);
    await client.send(new PutItemCommand({ TableName: table, Item: written }));
    committed.set(written.sk.S, performance.now());
  }
  await poller.drained();
  await poller.stop();
  // A record can reach the consumer before its PutItem's answer reaches the writer: that is 0 ms.
  const latencies = [...committed].map(([key, at]) => Math.max(0, (seen.get(key) ?? Number.NaN) - at));
  if (latencies.some(Number.isNaN)) throw new Error('A record never reached the consumer');
  const round = (ms: number) => Math.round(ms);
  const latency = {
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(Math.max(...latencies)),
    measured: latencies.length,
  };
  figures[`latency ${label}`] = latency;
  console.log(
    `commit-to-consumer latency, ${label}: p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms (${latency.measured} records)`,
  );
}

client.destroy();
await dynamo.stop();
rmSync(stateDir, { recursive: true, force: true });
if (values.json) {
  writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`Every figure: ${values.json}`);
}
