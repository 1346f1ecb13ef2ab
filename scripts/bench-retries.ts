/**
 * `npm run bench:retries -- [--creates 100] [--concurrency 8] [--rate 0.5] [--faults after-commit,timeout]`
 *
 * Duplicates per 100 retried creates under each fault the twin can inject (ORDERLY_FAULTS,
 * functions/shared/faults.ts): `after-commit` kills the createOrder invocation right after its
 * transaction committed; `timeout` makes it hang past its time limit after the commit. Each
 * create has its own Idempotency-Key; a client that gets anything but 201 retries with the same
 * key and body, backing off 1, 2, 4, 8, 16 s, as a careful client would. Duplicates = orders
 * created − keys sent. Prints one line per fault and a JSON summary.
 */
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { startTwin } from '../local/twin';
import { benchClient, StatusCounter } from './bench/http';
import { pool } from './bench/percentiles';

const { values } = parseArgs({
  options: {
    creates: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '8' },
    rate: { type: 'string', default: '0.5' },
    faults: { type: 'string', default: 'after-commit,timeout' },
  },
});
const CREATES = Number(values.creates);
const CONCURRENCY = Number(values.concurrency);
const BACKOFF_MS = [1000, 2000, 4000, 8000, 16000];

const dynamo = await startDynamoDbLocal();
const results: Record<string, unknown>[] = [];
for (const fault of String(values.faults).split(',')) {
  // Read by the twin when it creates the functions' environments (passed through to them).
  process.env.ORDERLY_FAULTS = `createOrder:${fault}@${values.rate}`;
  const twin = await startTwin({
    port: 0,
    dynamoDbEndpoint: dynamo.endpoint,
    tablePrefix: `retries-${fault}`,
    functionLogLevel: 'SILENT',
    recordWorkflowEvents: false,
    maxEnvironmentsPerFunction: CONCURRENCY * 2,
  });
  const counter = new StatusCounter();
  const call = benchClient(twin.url, counter);
  const token = await twin.token({ tenantId: 'retries', userId: 'retrying-client', roles: ['admin'] });
  const customer = await call(token, 'POST', '/v1/customers', { name: 'Retrying client Ltd' });
  await call(token, 'POST', '/v1/products', {
    sku: 'RETRY-1',
    name: 'Widget',
    category: 'parts',
    unitPrice: { amountMinor: 1000, currency: 'EUR' },
    stock: { onHand: 1_000_000 },
  });
  const body = { customerId: customer.body.id, currency: 'EUR', lines: [{ sku: 'RETRY-1', quantity: 1 }] };
  let retried = 0;
  let gaveUp = 0;
  const started = Date.now();
  await pool(CREATES, CONCURRENCY, async (i) => {
    const key = `retry-${fault}-${String(i).padStart(6, '0')}`;
    let response = await call(token, 'POST', '/v1/orders', body, { 'idempotency-key': key });
    if (response.status !== 201) retried++;
    for (const wait of BACKOFF_MS) {
      if (response.status === 201) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
      response = await call(token, 'POST', '/v1/orders', body, { 'idempotency-key': key });
    }
    if (response.status !== 201) gaveUp++;
  });
  let orders = 0;
  let cursor: string | undefined;
  do {
    const page = await call(token, 'GET', `/v1/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    orders += page.body.items.length;
    cursor = page.body.nextCursor;
  } while (cursor);
  const duplicates = orders - CREATES;
  const result = {
    fault,
    rate: Number(values.rate),
    creates: CREATES,
    retried,
    gaveUp,
    orders,
    duplicates,
    duplicatesPer100Retried: retried ? Math.round((duplicates / retried) * 1000) / 10 : 0,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    answers: Object.fromEntries(counter.byStatus),
  };
  results.push(result);
  console.log(
    `${fault}: ${CREATES} creates, ${retried} retried (${gaveUp} gave up), ${orders} orders → ${duplicates} duplicates, ${result.duplicatesPer100Retried} per 100 retried creates (${result.seconds} s)`,
  );
  await twin.stop();
}
await dynamo.stop();
console.log(JSON.stringify(results, null, 2));
