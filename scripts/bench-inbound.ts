/**
 * `npm run bench:inbound [-- --verifies 20000 --requests 200 --json out.json]`
 *
 * What verifying a signed inbound webhook costs; prints figures and asserts nothing.
 *
 * 1. In-process: `verify()` (functions/shared/signing/standard-webhooks.ts) of a 1 KB and a 16 KB
 *    body against one and two live secrets (a rotation's overlap), `--verifies` calls each: median
 *    µs per call (the median of 100-call batches, so the timer's resolution does not count).
 * 2. On a local twin with a DynamoDB Local of its own, one request at a time (latency, not
 *    throughput), `--requests` of each after a warm-up: an unsigned message (401: the source's
 *    lookup and a decoy verification), a wrongly signed one (401), a signed need (201: verify, then
 *    the create with its idempotency record), the same webhook-id again (201 replayed), and for
 *    comparison the same need through POST /v1/needs with a JWT. Median and p99 ms per request.
 */
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, signedHeaders, verify } from '../functions/shared/signing/standard-webhooks';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { startTwin } from '../local/twin';
import { percentile } from './bench/percentiles';

const { values } = parseArgs({
  options: {
    verifies: { type: 'string', default: '20000' },
    requests: { type: 'string', default: '200' },
    json: { type: 'string' },
  },
});
const VERIFIES = Number(values.verifies);
const REQUESTS = Number(values.requests);
const figures: Record<string, unknown> = { node: process.version };
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

// ---- 1. verify() in process ------------------------------------------------------------------

function verifyMicros(bodyBytes: number, secretCount: number): number {
  const secrets = Array.from({ length: secretCount }, () => newWebhookSecret());
  const body = JSON.stringify({ type: 'fulfilment.shipped', data: { pad: 'x'.repeat(bodyBytes) } }).slice(
    0,
    Math.max(bodyBytes, 2),
  );
  const now = new Date();
  // The sender signs with the newest secret; the receiver tries the secrets it holds, oldest last.
  const headers: Record<string, string> = {
    ...signedHeaders(
      [secrets[secretCount - 1] as string],
      'msg_bench',
      Math.floor(now.getTime() / 1000),
      body,
    ),
  };
  const batch = 100;
  const perCall: number[] = [];
  for (let done = 0; done < VERIFIES; done += batch) {
    const started = performance.now();
    for (let i = 0; i < batch; i++) verify(secrets, headers, body, now);
    perCall.push(((performance.now() - started) * 1000) / batch);
  }
  return percentile(perCall, 50);
}

const inProcess: Record<string, number> = {};
for (const bytes of [1024, 16 * 1024])
  for (const secrets of [1, 2])
    inProcess[`${bytes / 1024} KB, ${secrets} secret(s)`] = verifyMicros(bytes, secrets);
figures.verifyMicros = inProcess;
console.log(`verify() in process, median µs per call (${VERIFIES} calls each):`);
for (const [what, micros] of Object.entries(inProcess))
  console.log(`  ${what.padEnd(22)} ${fmt(micros, 2)} µs`);

// ---- 2. full requests on the twin --------------------------------------------------------------

const dynamo = await startDynamoDbLocal();
const twin = await startTwin({
  port: 0,
  dynamoDbEndpoint: dynamo.endpoint,
  tablePrefix: 'bench-inbound',
  functionLogLevel: 'SILENT',
  recordWorkflowEvents: false,
});
try {
  const tenantId = `bench-inbound-${process.pid}`;
  const token = await twin.token({ tenantId, userId: 'bench', roles: ['admin'] });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(twin.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const customer = await api('POST', '/v1/customers', { name: 'Bench Ltd' });
  const source = await api('POST', '/v1/webhooks/inbound-sources', { kind: 'needs', channel: 'web_form' });
  if (customer.status !== 201 || source.status !== 201)
    throw new Error(`setup failed: ${JSON.stringify([customer.body, source.body])}`);
  const url = source.body.url as string;
  const secret = source.body.secret as string;
  const need = (n: number) => ({ customerId: customer.body.id, title: `Bench need ${n}` });
  let counter = 0;

  const post = async (path: string, body: string, headers: Record<string, string>) => {
    const started = performance.now();
    const res = await fetch(twin.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  };
  const signed = (id: string, body: string, key = secret) => {
    const at = new Date();
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(key).sign(id, at, body),
    };
  };
  const message = (n: number) =>
    JSON.stringify({ type: 'need.submitted', timestamp: new Date().toISOString(), data: need(n) });
  const replayed = { id: 'bench-replayed', body: message(-1) };

  const kinds: Record<string, { expect: number; send: () => Promise<{ status: number; ms: number }> }> = {
    'unsigned → 401': { expect: 401, send: () => post(url, message(counter++), {}) },
    'wrong secret → 401': {
      expect: 401,
      send: () => {
        const body = message(counter++);
        return post(url, body, signed(`bench-${counter}`, body, newWebhookSecret()));
      },
    },
    'signed need → 201': {
      expect: 201,
      send: () => {
        const body = message(counter++);
        return post(url, body, signed(`bench-${counter}`, body));
      },
    },
    'replayed webhook-id → 201': {
      expect: 201,
      send: () => post(url, replayed.body, signed(replayed.id, replayed.body)),
    },
    'POST /v1/needs with a JWT → 201': {
      expect: 201,
      send: () =>
        post('/v1/needs', JSON.stringify({ ...need(counter++), channel: 'web_form' }), {
          authorization: `Bearer ${token}`,
        }),
    },
  };
  const requests: Record<string, { p50: number; p99: number; unexpected: number }> = {};
  for (const [what, kind] of Object.entries(kinds)) {
    for (let i = 0; i < 10; i++) await kind.send(); // warm: cold starts are not the cost per request
    const ms: number[] = [];
    let unexpected = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const res = await kind.send();
      if (res.status !== kind.expect) unexpected++;
      ms.push(res.ms);
    }
    requests[what] = { p50: percentile(ms, 50), p99: percentile(ms, 99), unexpected };
  }
  figures.requestsMs = requests;
  console.log(`\nfull requests on the twin, one at a time (${REQUESTS} each after 10 to warm up), ms:`);
  for (const [what, r] of Object.entries(requests))
    console.log(
      `  ${what.padEnd(32)} p50 ${fmt(r.p50, 2).padStart(6)}  p99 ${fmt(r.p99, 2).padStart(6)}${r.unexpected ? `  (${r.unexpected} unexpected statuses)` : ''}`,
    );
} finally {
  await twin.stop();
  await dynamo.stop();
}
if (values.json) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
}
