/**
 * `npm run bench:requests`: DynamoDB requests per API operation, counted by the twin's local-IAM
 * hook while each operation runs through the real gateway (with and without Idempotency-Key).
 * Also times the twin's start. Prints a table; asserts nothing.
 */
import { startTwin } from '../local/twin';

// Handlers are loaded by startTwin, after this: their request logs would drown the table.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const started = performance.now();
const twin = await startTwin({ port: 0 });
const startMs = performance.now() - started;

const token = await twin.token({ tenantId: 'bench', userId: 'bench', roles: ['admin'] });
const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(twin.url + path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json().catch(() => ({}))) as { id: string };
  if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
};

const rows: { operation: string; requests: string }[] = [];
const measure = async (label: string, run: () => Promise<unknown>) => {
  twin.stats.reset();
  await run();
  const [stat] = twin.stats.snapshot().filter((s) => s.invocations > 0);
  const detail = Object.entries(stat?.byCommand ?? {})
    .map(([command, n]) => `${n} ${command.replace(/Command$/, '')}`)
    .join(' + ');
  rows.push({ operation: label, requests: `${stat?.dynamoRequests ?? 0}${detail ? ` (${detail})` : ''}` });
};

let customer = { id: '' };
let product = { id: '' };
await measure('createCustomer', async () => {
  customer = await call('POST', '/v1/customers', { name: 'Bench Ltd' });
});
await measure('createCustomer + Idempotency-Key', () =>
  call('POST', '/v1/customers', { name: 'Bench 2' }, { 'idempotency-key': 'bench-key-0001' }),
);
await measure('createCustomer, replayed key', () =>
  call('POST', '/v1/customers', { name: 'Bench 2' }, { 'idempotency-key': 'bench-key-0001' }),
);
await measure('getCustomer', () => call('GET', `/v1/customers/${customer.id}`));
await measure('listCustomers', () => call('GET', '/v1/customers?limit=25'));
await measure('updateCustomer', () =>
  call('PATCH', `/v1/customers/${customer.id}`, { name: 'Bench plc' }, { 'if-match': '"1"' }),
);
await measure('createProduct', async () => {
  product = await call('POST', '/v1/products', {
    sku: 'BENCH-1',
    name: 'Bench widget',
    category: 'Bench',
    unitPrice: { amountMinor: 1999, currency: 'EUR' },
    stock: { onHand: 100 },
  });
});
await measure('getProduct', () => call('GET', `/v1/products/${product.id}`));
await measure('listProducts', () => call('GET', '/v1/products'));
await measure('updateProduct', () =>
  call('PATCH', `/v1/products/${product.id}`, { name: 'Bench widget 2' }, { 'if-match': '"1"' }),
);
await measure('adjustStock', () =>
  call('POST', `/v1/products/${product.id}/stock-adjustments`, { delta: -1, reason: 'sale' }),
);
await measure('adjustStock + Idempotency-Key', () =>
  call(
    'POST',
    `/v1/products/${product.id}/stock-adjustments`,
    { delta: -1, reason: 'sale' },
    { 'idempotency-key': 'bench-key-0002' },
  ),
);

console.log(
  `twin (DynamoDB Local in memory + tables + handlers + gateway) ready in ${startMs.toFixed(0)} ms\n`,
);
console.log('DynamoDB requests per operation');
const width = Math.max(...rows.map((r) => r.operation.length));
for (const row of rows) console.log(`  ${row.operation.padEnd(width)}  ${row.requests}`);
await twin.stop();
