/**
 * `npm run bench:webhooks [-- --events 1000 --endpoints 2 --samples 100 --rate 10 --recoveries 5 --json out.json]`
 *
 * The webhook delivery engine on a local twin with a DynamoDB Local of its own, delivering to real
 * receivers on 127.0.0.1 (functions/webhooks/delivery/); prints figures and asserts nothing.
 *
 * 1. Fan-out throughput: `--events` timeline events (one per order) are written straight to the
 *    domain table (BatchWriteItem), as the order store commits them; the twin's stream poller
 *    hands them to `fanOutWebhooks`, which queues one delivery per endpoint (`--endpoints`
 *    healthy receivers subscribed to `order.*`) and attempts it inline. Deliveries per second from
 *    the first write to the last acknowledged delivery.
 * 2. Latency to a healthy receiver: `--samples` events put one at a time, `--rate` a second; each
 *    one's latency runs from its PutItem's answer to the receiver getting it (the stream's
 *    batching window, the fan-out and the HTTP request). p50 and p99.
 * 3. Time to land after a recovery: `--recoveries` events whose first attempt is answered 503 and
 *    later ones 200, with the default retry schedule (the second attempt 5 s later, made by the
 *    sweeper that the twin's scheduler runs every minute and that polls every 2 s within its
 *    window): from the write to the acknowledged delivery.
 */
import { parseArgs } from 'node:util';
import { BatchWriteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { newId } from '../functions/shared/ids';
import { newLocalSecretKey } from '../functions/shared/secrets/sealed-secret';
import { createEndpoint } from '../functions/webhooks/endpoints/store';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { startTwin } from '../local/twin';
import { startWebhookReceiver, type WebhookReceiver } from '../test/support/webhook-receiver';
import { percentile } from './bench/percentiles';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000' },
    endpoints: { type: 'string', default: '2' },
    samples: { type: 'string', default: '100' },
    rate: { type: 'string', default: '10' },
    recoveries: { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});
const EVENTS = Number(values.events);
const ENDPOINTS = Number(values.endpoints);
const SAMPLES = Number(values.samples);
const RATE = Number(values.rate);
const RECOVERIES = Number(values.recoveries);
const figures: Record<string, unknown> = { node: process.version, events: EVENTS, endpoints: ENDPOINTS };
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const secretKey = newLocalSecretKey();
const dynamo = await startDynamoDbLocal();
const twin = await startTwin({
  port: 0,
  dynamoDbEndpoint: dynamo.endpoint,
  tablePrefix: 'bench-webhooks',
  functionLogLevel: process.env.BENCH_LOG ? 'WARN' : 'SILENT',
  functionLog: (record) => {
    if (process.env.BENCH_LOG) console.error(`${record.functionName}: ${record.line}`);
  },
  recordWorkflowEvents: false,
  secretKey,
});
const client = new DynamoDBClient({
  endpoint: dynamo.endpoint,
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
// The endpoints are created in this process, as the create route would: same table, same key.
process.env.DOMAIN_TABLE_NAME = twin.tableNames.domain;
process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
process.env.AWS_REGION = 'local';
process.env.AWS_ACCESS_KEY_ID = 'local';
process.env.AWS_SECRET_ACCESS_KEY = 'local';
process.env.ORDERLY_SECRET_KEY = secretKey;

/**
 * A timeline event as functions/orders/store.ts writes it: a shipment (not a submission, which
 * would start a workflow for an order that does not exist).
 */
function timelineItem(tenantId: string, orderId: string, seq: number) {
  return marshall({
    pk: `T#${tenantId}#ORDER#${orderId}`,
    sk: `EVENT#${String(seq).padStart(6, '0')}`,
    entity: 'ORDER_EVENT',
    tenantId,
    orderId,
    seq,
    type: 'SHIPPED',
    status: 'SHIPPED',
    details: { carrier: 'DHL', trackingNumber: `JD${seq}` },
    at: new Date().toISOString(),
    actor: { type: 'user', id: 'bench' },
  });
}

async function tenantWith(receivers: WebhookReceiver[]): Promise<string> {
  const tenantId = `bench-wh-${newId().slice(-8)}`;
  for (const receiver of receivers) {
    const { secret } = await createEndpoint(
      tenantId,
      { url: receiver.url, eventTypes: ['order.*'], enabled: true },
      new Date(),
    );
    receiver.setSecret(secret);
  }
  return tenantId;
}

const firstAck = (receiver: WebhookReceiver, id: string) =>
  receiver.received.some((r) => r.id === id && r.status === 200);

try {
  // ---- 1. throughput ----------------------------------------------------------------------------
  const receivers = await Promise.all(Array.from({ length: ENDPOINTS }, () => startWebhookReceiver()));
  const tenantId = await tenantWith(receivers);
  // One event per order: every delivery its own lane, as a steady stream of orders gives (a burst of
  // one order's events is sent one after another, and what the inline budget leaves to the sweeper).
  const orders = Array.from({ length: EVENTS }, () => newId());
  const started = performance.now();
  for (let i = 0; i < orders.length; i += 25) {
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [twin.tableNames.domain as string]: orders.slice(i, i + 25).map((orderId) => ({
            PutRequest: { Item: timelineItem(tenantId, orderId, 1) },
          })),
        },
      }),
    );
  }
  const expected = EVENTS * ENDPOINTS;
  const deadline = Date.now() + 30 * 60_000;
  while (receivers.reduce((n, r) => n + new Set(r.acknowledged()).size, 0) < expected) {
    if (Date.now() > deadline) throw new Error('fan-out did not finish in 30 minutes');
    await pause(100);
  }
  const seconds = (performance.now() - started) / 1000;
  figures.fanOut = { deliveries: expected, seconds, perSecond: expected / seconds };
  console.log(
    `fan-out: ${expected} deliveries (${EVENTS} events × ${ENDPOINTS} endpoints) in ${fmt(seconds, 1)} s = ${fmt(expected / seconds, 1)} deliveries/s`,
  );

  // ---- 2. latency --------------------------------------------------------------------------------
  const [healthy] = await Promise.all([startWebhookReceiver()]);
  const latencyTenant = await tenantWith([healthy as WebhookReceiver]);
  const latencies: number[] = [];
  const waits: Promise<void>[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const orderId = newId();
    const id = `${orderId}.000001`;
    await client.send(
      new PutItemCommand({
        TableName: twin.tableNames.domain,
        Item: timelineItem(latencyTenant, orderId, 1),
      }),
    );
    const committed = performance.now();
    waits.push(
      (async () => {
        while (!firstAck(healthy as WebhookReceiver, id)) await pause(2);
        latencies.push(performance.now() - committed);
      })(),
    );
    await pause(1000 / RATE);
  }
  await Promise.all(waits);
  figures.latencyMs = { p50: percentile(latencies, 50), p99: percentile(latencies, 99), samples: SAMPLES };
  console.log(
    `latency commit → receiver: p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms (${SAMPLES} events, ${RATE}/s)`,
  );

  // ---- 3. time to land after a recovery ----------------------------------------------------------
  const seen = new Set<string>();
  const recovering = await startWebhookReceiver(undefined, ({ id }) => {
    if (seen.has(id)) return 200;
    seen.add(id);
    return 503;
  });
  const recoveryTenant = await tenantWith([recovering]);
  const landed: number[] = [];
  await Promise.all(
    Array.from({ length: RECOVERIES }, async (_, i) => {
      await pause(i * 7000);
      const orderId = newId();
      const id = `${orderId}.000001`;
      await client.send(
        new PutItemCommand({
          TableName: twin.tableNames.domain,
          Item: timelineItem(recoveryTenant, orderId, 1),
        }),
      );
      const committed = performance.now();
      while (!firstAck(recovering, id)) await pause(20);
      landed.push(performance.now() - committed);
    }),
  );
  figures.recoveryMs = { p50: percentile(landed, 50), max: Math.max(...landed), samples: RECOVERIES };
  console.log(
    `after a 503, landed in: median ${fmt(percentile(landed, 50) / 1000, 1)} s, max ${fmt(Math.max(...landed) / 1000, 1)} s (${RECOVERIES} events; default schedule, sweeper every minute)`,
  );
  for (const r of [...receivers, healthy as WebhookReceiver, recovering]) await r.close();
  if (values.json) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
  }
} finally {
  await twin.stop();
  await dynamo.stop();
}
