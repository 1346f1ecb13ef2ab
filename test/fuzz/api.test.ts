/**
 * Property-based fuzzing of every operation the twin describes at `/openapi.json`. From a valid
 * request per operation (built from its schemas, against a small fixture: a customer, a product
 * with stock, orders), each case breaks one thing: a field's type, a 100 KB string, JSON nested
 * thousands deep, Unicode edges, a missing or an unknown field, a broken body, a junk path id or
 * another tenant's, a garbage query, a wrong content-type, huge headers, a bad If-Match or
 * Idempotency-Key. For every response:
 *
 * - never a 5xx;
 * - a 4xx is an `application/problem+json` document with status, type and title, and a 400 lists
 *   `errors[]` naming the field that was broken (`body.x`, `query.y`, `path.z`, `header.h`);
 * - after a 4xx the twin's tables hold exactly as many items as before (a Scan with Select COUNT).
 *
 * `npm test` runs a fixed seed and a few cases per operation and kind; `npm run fuzz` runs many
 * more with a random seed, prints it and how to replay it, and the counts by status class.
 * ORDERLY_FUZZ_SEED, ORDERLY_FUZZ_RUNS (cases per operation and kind) and ORDERLY_FUZZ_REPORT set
 * the same by hand.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { httpFunctions } from '../../functions/manifest';
import { ROLES } from '../../functions/shared/auth/roles';
import { countItems } from '../support/database';
import { type ApiResponse, startTestTwin } from '../support/twin';
import {
  type Baseline,
  type FuzzCase,
  KINDS,
  type Kind,
  type Mutation,
  mutationsFor,
  render,
  short,
} from './cases';
import { COMMON_HINTS, exampleOf, type Hints } from './examples';
import { closeConnections, type RawResponse, send } from './http';
import { type ApiOperation, operationsOf } from './openapi';

const SEED = Number(process.env.ORDERLY_FUZZ_SEED ?? 20_260_311);
const RUNS = Number(process.env.ORDERLY_FUZZ_RUNS ?? 2);
const REPORT = Boolean(process.env.ORDERLY_FUZZ_REPORT);

const started = performance.now();
const twin = await startTestTwin();

// The functions' warnings and errors by request id, to show a 5xx's stack next to its input.
const serverLines = new Map<string, string[]>();
twin.runtime.observers.log.add((record) => {
  if (!record.correlationId || serverLines.size > 10_000) return;
  const lines = serverLines.get(record.correlationId) ?? [];
  lines.push(`${record.functionName}: ${record.line}`);
  serverLines.set(record.correlationId, lines);
});

// ---- the fixture: tenant A fuzzes its own data; tenant B's ids are the "other tenant's" ----

const tenantA = `fuzz-a-${process.pid}`;
const tenantB = `fuzz-b-${process.pid}`;
const token = await twin.token({ tenantId: tenantA, userId: 'fuzzer', roles: [...ROLES] });
const api = twin.client(token);
const sales = twin.client(await twin.token({ tenantId: tenantA, userId: 'sam', roles: ['sales'] }));
const apiB = twin.client(await twin.token({ tenantId: tenantB, userId: 'bea', roles: [...ROLES] }));

const idOf = (res: ApiResponse, what: string): string => {
  assert.equal(res.status, 201, `${what}: ${res.text}`);
  return res.body.id;
};

async function openShop(owner: typeof api, seller: typeof api, pending = true) {
  const customerId = idOf(
    await owner.post('/v1/customers', {
      name: 'Fuzz Ltd',
      creditLimit: { amountMinor: 1_000_000_000, currency: 'EUR' },
    }),
    'customer',
  );
  const productId = idOf(
    await owner.post('/v1/products', {
      sku: 'FUZZ-1',
      name: 'Fuzz widget',
      category: 'parts',
      unitPrice: { amountMinor: 1_000, currency: 'EUR' },
      stock: { onHand: 1_000_000 },
    }),
    'product',
  );
  const order = (quantity: number) =>
    seller.post('/v1/orders', { customerId, currency: 'EUR', lines: [{ sku: 'FUZZ-1', quantity }] });
  // 10.00 EUR: auto-approved, then waits for the partner's reports.
  const orderId = idOf(await order(1), 'order');
  // 1,500.00 EUR: waits for an approver.
  const pendingOrderId = pending ? idOf(await order(150), 'order') : undefined;
  const needId = idOf(
    await owner.post('/v1/needs', {
      customerId,
      channel: 'call',
      title: 'Fuzz need',
      productIds: [productId],
    }),
    'need',
  );
  // An analysis run (202: it is queued, then run by the stream's consumer before the tables settle).
  const run = await owner.post('/v1/analysis/runs', { kinds: ['trends'] });
  assert.equal(run.status, 202, `analysis run: ${run.text}`);
  const runId: string = run.body.id;
  return { customerId, productId, orderId, pendingOrderId, needId, runId };
}

const shop = await openShop(api, sales);
const shopB = await openShop(apiB, apiB, false);

// Issue 11 (helper A): webhook endpoints, subscribed to an event no fuzz case causes (no delivery
// is queued while items are counted); one of A's is only there for the delete's cases.
const WEBHOOK_URL = 'http://127.0.0.1:9/fuzz';
const WEBHOOK_EVENT_TYPES = ['webhook.endpoint_disabled'];
const webhookEndpoint = async (owner: typeof api) =>
  idOf(
    await owner.post('/v1/webhooks/endpoints', { url: WEBHOOK_URL, eventTypes: WEBHOOK_EVENT_TYPES }),
    'webhook endpoint',
  );
const webhooks = { endpointId: await webhookEndpoint(api), doomedEndpointId: await webhookEndpoint(api) };
const webhooksB = { endpointId: await webhookEndpoint(apiB) };

// Issue 11 (helper C): inbound sources; one of tenant A's is only there for the delete's cases.
// The inbound routes are public and no fuzz case is signed: each must be a 401 (`runCase`).
const inboundSource = async (owner: typeof api) =>
  idOf(
    await owner.post('/v1/webhooks/inbound-sources', { kind: 'fulfilment', partnerId: 'in-house' }),
    'inbound source',
  );
const inbound = { sourceId: await inboundSource(api), doomedSourceId: await inboundSource(api) };
const inboundB = { sourceId: await inboundSource(apiB) };

// A delivery to read and redeliver: an endpoint of tenant A subscribed to `order.submitted` at a
// receiver that takes everything (so nothing is left to retry while the fuzzer counts items),
// then one more order.
const receiver = createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(204).end());
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
afterAll(() => new Promise((resolve) => receiver.close(resolve)));
const deliveries = await (async () => {
  const { port } = receiver.address() as AddressInfo;
  const endpointId = idOf(
    await api.post('/v1/webhooks/endpoints', {
      url: `http://127.0.0.1:${port}/hooks`,
      eventTypes: ['order.submitted'],
    }),
    'delivery endpoint',
  );
  idOf(
    await sales.post('/v1/orders', {
      customerId: shop.customerId,
      currency: 'EUR',
      lines: [{ sku: 'FUZZ-1', quantity: 1 }],
    }),
    'order',
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    const page = await api.get(`/v1/webhooks/deliveries?endpointId=${endpointId}&status=succeeded`);
    const id = page.body?.items?.[0]?.id as string | undefined;
    if (id) return { endpointId, deliveryId: id };
    assert.ok(Date.now() < deadline, `no delivery reached the receiver: ${page.text}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
})();

const dynamo = new DynamoDBClient({ endpoint: twin.dynamoDbEndpoint });

/** Items in all of the twin's tables. */
const itemCount = () => countItems(dynamo, Object.values(twin.tableNames));

/**
 * Once every workflow waits on a task token or has ended, the stream's consumers have caught up
 * (the events feed is a projection of earlier writes), and the tables stop changing: their item count.
 */
async function settle(): Promise<number> {
  const deadline = Date.now() + 60_000;
  let last: number | undefined;
  for (;;) {
    const parked = new Set(twin.runner.pendingTasks().map((task) => task.executionName));
    const busy = twin.runner.executions().some((e) => !e.stopDate && !parked.has(e.name));
    if (!busy) await twin.streams.drained();
    const now = await itemCount();
    if (!busy && now === last) return now;
    last = busy ? undefined : now;
    if (Date.now() > deadline) throw new Error('The workflows did not settle within 60 s');
    await new Promise((resolve) => setTimeout(resolve, busy ? 50 : 150));
  }
}

let count = await settle();

// ---- the operations, and a valid request for each ----

const description = await api.get('/openapi.json');
assert.equal(description.status, 200, description.text);
const operations = operationsOf(description.body);

const pathValues = (op: ApiOperation): Record<string, string> => ({
  customerId: shop.customerId,
  productId: shop.productId,
  orderId: ['approveOrder', 'rejectOrder'].includes(op.operationId)
    ? (shop.pendingOrderId as string)
    : shop.orderId,
  needId: shop.needId,
  runId: shop.runId,
  endpointId: op.operationId === 'deleteWebhookEndpoint' ? webhooks.doomedEndpointId : webhooks.endpointId,
  sourceId: op.operationId === 'deleteInboundSource' ? inbound.doomedSourceId : inbound.sourceId,
  deliveryId: deliveries.deliveryId,
  file: 'swagger-ui.css',
});

const bodyHints = (): Hints => ({
  ...COMMON_HINTS,
  customerId: shop.customerId,
  sku: 'FUZZ-1',
  productIds: [shop.productId],
  url: WEBHOOK_URL,
  eventTypes: WEBHOOK_EVENT_TYPES,
});

/** The query a valid request needs: only where the contract requires one. */
const baselineQuery = (op: ApiOperation): string =>
  op.operationId === 'listWebhookDeliveries' ? `endpointId=${deliveries.endpointId}` : '';

async function baselineOf(op: ApiOperation): Promise<Baseline> {
  const values = pathValues(op);
  const path = Object.fromEntries(
    op.pathParams.map((p) => [p.name, encodeURIComponent(values[p.name] ?? 'x')]),
  );
  const example = op.body ? exampleOf(op.body, bodyHints()) : undefined;
  const headers: Record<string, string> = op.public ? {} : { authorization: `Bearer ${token}` };
  if (example) headers['content-type'] = 'application/json';
  if (op.idempotent) headers['idempotency-key'] = `fuzz-${randomUUID()}`;
  if (op.ifMatch) {
    // The version the resource has now, as a client that just read it would send.
    const resource = op.path.replace(/\{(\w+)\}/g, (_, name: string) => path[name] ?? '');
    const read = await api.get(resource);
    assert.equal(read.status, 200, `GET ${resource} for its ETag: ${read.text}`);
    headers['if-match'] = read.headers.get('etag') ?? '';
  }
  return {
    path,
    query: baselineQuery(op),
    headers,
    ...(example ? { body: example.value } : {}),
    required: example?.required ?? [],
    objects: example?.objects ?? [],
  };
}

const baselines = new Map<string, Baseline>();
for (const op of operations) baselines.set(op.operationId, await baselineOf(op));
const setupSeconds = (performance.now() - started) / 1000;

// ---- the properties ----

type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'no response';
const tally = {
  cases: 0,
  byClass: {} as Partial<Record<StatusClass, number>>,
  byKind: {} as Record<string, number>,
};
const classOf = (status: number): StatusClass => `${Math.floor(status / 100)}xx` as StatusClass;
/** Unicode edges that were stored (a 2xx): not a failure, but what text validation lets through. */
const acceptedUnicode: string[] = [];
const record = (kind: Kind, status: StatusClass) => {
  tally.cases++;
  tally.byClass[status] = (tally.byClass[status] ?? 0) + 1;
  tally.byKind[`${kind} ${status}`] = (tally.byKind[`${kind} ${status}`] ?? 0) + 1;
};

/**
 * A field named in a 400 matches the one broken: the same, one inside it, or an object holding it
 * (not the bare location). A long name may come back shortened with `…`.
 */
const names = (actual: string, expected: string) =>
  actual === expected ||
  actual.startsWith(`${expected}.`) ||
  (expected.startsWith(`${actual}.`) && actual.includes('.')) ||
  (actual.endsWith('…') && actual.includes('.') && expected.startsWith(actual.slice(0, -1)));

function violations(fuzzCase: FuzzCase, res: RawResponse): string[] {
  if (res.status >= 500) return [`a ${res.status}`];
  if (res.status < 400) return [];
  const found: string[] = [];
  if (!/^application\/problem\+json\s*(;|$)/i.test(res.contentType))
    found.push(`a ${res.status} with content-type '${res.contentType}', not application/problem+json`);
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(res.text);
  } catch {
    return [...found, `a ${res.status} whose body is not JSON`];
  }
  if (!problem || typeof problem !== 'object' || Array.isArray(problem))
    return [...found, `a ${res.status} whose body is not a JSON object`];
  if (problem.status !== res.status)
    found.push(`problem.status is ${short(problem.status)}, not ${res.status}`);
  for (const member of ['type', 'title'])
    if (typeof problem[member] !== 'string' || !problem[member]) found.push(`problem.${member} is missing`);
  if (res.status === 400) {
    const errors = problem.errors as { field?: unknown; message?: unknown }[] | undefined;
    if (
      !Array.isArray(errors) ||
      errors.length === 0 ||
      !errors.every((e) => typeof e?.field === 'string' && typeof e.message === 'string')
    ) {
      found.push('a 400 without errors[] of {field, message}');
    } else if (fuzzCase.field && !errors.some((e) => names(e.field as string, fuzzCase.field as string))) {
      found.push(`a 400 naming ${errors.map((e) => e.field).join(', ')} but not ${fuzzCase.field}`);
    }
  }
  return found;
}

function describeCase(fuzzCase: FuzzCase, res?: RawResponse): string {
  const { request } = fuzzCase;
  const headers = Object.entries(request.headers).map(
    ([name, value]) =>
      `  ${name}: ${name === 'authorization' && value === `Bearer ${token}` ? 'Bearer <token>' : short(value, 100)}`,
  );
  const lines = [
    `${fuzzCase.kind}: ${fuzzCase.detail}`,
    `  ${request.method} ${short(request.path, 300)}`,
    ...headers,
    `  body: ${request.body ? short(request.body.toString('utf8'), 300) : '(none)'}`,
  ];
  if (res) {
    lines.push(`→ ${res.status} ${res.contentType} ${short(res.text, 600)}`);
    const server = res.requestId ? serverLines.get(res.requestId) : undefined;
    if (server) lines.push('  server side:', ...server.map((line) => `    ${short(line, 3000)}`));
  }
  return lines.join('\n');
}

/** Issue 11 (helper C): the gateway's own answers (headers past its limits, a path that does not decode). */
const refusedBeforeRouting = (res: RawResponse) =>
  res.status === 431 ||
  /"type":"urn:orderly:problem:(?:malformed-path|headers-too-large|malformed-request)"/.test(res.text);

async function runCase(op: ApiOperation, mutation: Mutation): Promise<void> {
  const fuzzCase = render(op, baselines.get(op.operationId) as Baseline, mutation);
  let res: RawResponse;
  try {
    res = await send(twin.url, fuzzCase.request);
  } catch (error) {
    record(fuzzCase.kind, 'no response');
    throw new Error(`${describeCase(fuzzCase)}\n→ no response: ${String(error)}`);
  }
  record(fuzzCase.kind, classOf(res.status));
  if (fuzzCase.kind === 'unicode' && res.status < 300 && op.method !== 'GET')
    acceptedUnicode.push(`${op.operationId} ${fuzzCase.detail}`);
  const found = violations(fuzzCase, res);
  // Issue 11 (helper C): an inbound route authenticates by a signature no case carries, before it
  // looks at anything else; only a request the gateway refuses before routing answers otherwise.
  if (op.path.startsWith('/v1/inbound/') && res.status !== 401 && !refusedBeforeRouting(res))
    found.push(`an unsigned message to a signed route answered ${res.status}, not 401`);
  if (res.status >= 400 && res.status < 500) {
    const before = count;
    count = await itemCount();
    if (count !== before) found.push(`the tables hold ${count - before} item(s) more after a ${res.status}`);
  } else if (op.method !== 'GET') {
    // Accepted (or failed) writes may start workflows: wait for them before the next count.
    count = await settle();
  }
  if (found.length) throw new Error(`${found.join('; ')}\n${describeCase(fuzzCase, res)}`);
}

/** A seed per operation and kind, derived from the run's: each runs the same cases whatever else runs. */
const seedOf = (op: ApiOperation, kind: Kind) => {
  let hash = SEED | 0;
  for (const char of `${op.operationId}/${kind}`)
    hash = (Math.imul(hash, 31) + (char.codePointAt(0) ?? 0)) | 0;
  return hash;
};

describe('fuzzing the API from its own description', () => {
  afterAll(async () => {
    await twin.stop();
    dynamo.destroy();
    closeConnections();
    if (REPORT) {
      const classes = Object.entries(tally.byClass)
        .map(([status, n]) => `${status} ${n}`)
        .join(', ');
      console.log(
        [
          `fuzz: ${tally.cases} cases on ${operations.length} operations (seed ${SEED}, ${RUNS} per operation and kind): ${classes}`,
          `  ${setupSeconds.toFixed(1)} s to start the twin and make the fixture, ${((performance.now() - started) / 1000 - setupSeconds).toFixed(1)} s of cases`,
          ...Object.entries(tally.byKind)
            .sort()
            .map(([key, n]) => `  ${key} ${n}`),
          ...(acceptedUnicode.length
            ? ['Unicode edges accepted (2xx):', ...acceptedUnicode.slice(0, 30).map((line) => `  ${line}`)]
            : []),
          `replay: ORDERLY_FUZZ_SEED=${SEED} ORDERLY_FUZZ_RUNS=${RUNS} npm run fuzz`,
        ].join('\n'),
      );
    }
  });

  it('describes every operation of the manifest, with a valid request the fuzzer starts from', () => {
    assert.deepEqual(
      operations.map((op) => op.operationId).sort(),
      httpFunctions.map((fn) => fn.operation.operationId).sort(),
    );
    const invalid: string[] = [];
    for (const op of operations) {
      const contract = httpFunctions.find((fn) => fn.operation.operationId === op.operationId)?.operation;
      const baseline = baselines.get(op.operationId) as Baseline;
      const check = (
        where: string,
        schema: { safeParse(v: unknown): { success: boolean; error?: unknown } } | undefined,
        value: unknown,
      ) => {
        const result = schema?.safeParse(value);
        if (result && !result.success)
          invalid.push(`${op.operationId} ${where}: ${short(result.error, 400)}`);
      };
      check(
        'path',
        contract?.params,
        Object.fromEntries(Object.entries(baseline.path).map(([k, v]) => [k, decodeURIComponent(v)])),
      );
      check('query', contract?.query, Object.fromEntries(new URLSearchParams(baseline.query)));
      check('body', contract?.body, baseline.body);
    }
    assert.deepEqual(invalid, []);
  });

  const timeout = Math.max(120_000, KINDS.length * RUNS * 2_000);
  for (const op of operations) {
    it(`${op.method} ${op.path} (${op.operationId}) answers bad input with a problem and writes nothing`, {
      timeout,
    }, async () => {
      const arbitraries = mutationsFor(op, baselines.get(op.operationId) as Baseline, {
        otherTenantIds: {
          customerId: shopB.customerId,
          productId: shopB.productId,
          orderId: shopB.orderId,
          needId: shopB.needId,
          runId: shopB.runId,
          sourceId: inboundB.sourceId,
          endpointId: webhooksB.endpointId,
        },
      });
      const failures: string[] = [];
      for (const kind of KINDS) {
        const arbitrary = arbitraries[kind];
        if (!arbitrary) continue;
        const details = await fc.check(
          fc.asyncProperty(arbitrary, (mutation) => runCase(op, mutation)),
          { seed: seedOf(op, kind), numRuns: RUNS },
        );
        if (details.failed) {
          const error =
            details.errorInstance instanceof Error
              ? details.errorInstance.message
              : String(details.errorInstance);
          failures.push(
            `${error}\n(fast-check: seed ${details.seed}, path "${details.counterexamplePath}", after ${details.numRuns} case(s), shrunk ${details.numShrinks} time(s))`,
          );
        }
      }
      assert.ok(
        failures.length === 0,
        `${failures.join('\n\n')}\n\nreplay: ORDERLY_FUZZ_SEED=${SEED} ORDERLY_FUZZ_RUNS=${RUNS} npm run fuzz -- -t '${op.operationId}'`,
      );
    });
  }
});
