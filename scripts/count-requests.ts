/**
 * `npm run bench:requests`: the DynamoDB requests each API operation and each workflow task
 * makes, counted by the twin while the operations run through the real gateway and the real
 * state machine. Each step lists every function it invoked (an HTTP call and the workflow tasks
 * it set off until the workflow waits again). Also times the twin's start. Prints a table;
 * asserts nothing.
 */
import { startTwin } from '../local/twin';

const started = performance.now();
const twin = await startTwin({ port: 0, functionLogLevel: 'SILENT', recordWorkflowEvents: false });
const startMs = performance.now() - started;

const tenantId = 'bench';
const tokens = {
  admin: await twin.token({ tenantId, userId: 'bench-admin', roles: ['admin'] }),
  sales: await twin.token({ tenantId, userId: 'bench-sales', roles: ['sales'] }),
  approver: await twin.token({ tenantId, userId: 'bench-approver', roles: ['approver'] }),
  // The tenant's default partner (`in-house`), which serves every order of a tenant that routes none.
  partner: await twin.token({
    tenantId,
    userId: 'bench-partner',
    roles: ['fulfilment'],
    partnerId: 'in-house',
  }),
};
type Who = keyof typeof tokens;
const call = async (
  who: Who,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  const res = await fetch(twin.url + path, {
    method,
    headers: {
      authorization: `Bearer ${tokens[who]}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json().catch(() => ({}))) as { id: string; items?: unknown[] };
  if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
};

const rows: { step: string; fn: string; requests: string }[] = [];
/** Runs a step, waits for the workflow to settle (`settle`), then lists what every function invoked made. */
const measure = async (step: string, run: () => Promise<unknown>, settle?: () => Promise<unknown>) => {
  twin.stats.reset();
  await run();
  await settle?.();
  for (const stat of twin.stats.snapshot().filter((s) => s.invocations > 0)) {
    const detail = Object.entries(stat.byCommand)
      .map(([command, n]) => `${n / stat.invocations} ${command.replace(/Command$/, '')}`)
      .join(' + ');
    rows.push({
      step,
      fn: stat.invocations > 1 ? `${stat.function} ×${stat.invocations}` : stat.function,
      requests: `${stat.perInvocation}${detail ? ` (${detail})` : ''}`,
    });
  }
};
const parked = (id: string, state: string) => () => twin.runner.waitForTaskToken(id, state, 60_000);
const ended = (id: string) => () => twin.runner.waitForExecution(id, 60_000);

// Customers and products.
let customer = { id: '' };
let product = { id: '' };
await measure('createCustomer', async () => {
  customer = await call('admin', 'POST', '/v1/customers', { name: 'Bench Ltd' });
});
await measure('createCustomer + Idempotency-Key', () =>
  call('admin', 'POST', '/v1/customers', { name: 'Bench 2' }, { 'idempotency-key': 'bench-key-0001' }),
);
await measure('createCustomer, replayed key', () =>
  call('admin', 'POST', '/v1/customers', { name: 'Bench 2' }, { 'idempotency-key': 'bench-key-0001' }),
);
await measure('getCustomer', () => call('admin', 'GET', `/v1/customers/${customer.id}`));
await measure('listCustomers', () => call('admin', 'GET', '/v1/customers?limit=25'));
await measure('updateCustomer', () =>
  call('admin', 'PATCH', `/v1/customers/${customer.id}`, { name: 'Bench plc' }, { 'if-match': '"1"' }),
);
await measure('createProduct', async () => {
  product = await call('admin', 'POST', '/v1/products', {
    sku: 'BENCH-1',
    name: 'Bench widget',
    category: 'Bench',
    unitPrice: { amountMinor: 1000, currency: 'EUR' },
    stock: { onHand: 100_000 },
  });
});
await measure('getProduct', () => call('admin', 'GET', `/v1/products/${product.id}`));
await measure('listProducts', () => call('admin', 'GET', '/v1/products'));
await measure('updateProduct', () =>
  call('admin', 'PATCH', `/v1/products/${product.id}`, { name: 'Bench widget 2' }, { 'if-match': '"1"' }),
);
await measure('adjustStock + Idempotency-Key', () =>
  call(
    'admin',
    'POST',
    `/v1/products/${product.id}/stock-adjustments`,
    { delta: -1, reason: 'sale' },
    { 'idempotency-key': 'bench-key-0002' },
  ),
);

// Approval rules.
await measure('getApprovalRules', () => call('admin', 'GET', '/v1/approval-rules'));
const order = (quantity: number, key: string) =>
  call(
    'sales',
    'POST',
    '/v1/orders',
    { customerId: customer.id, currency: 'EUR', lines: [{ sku: 'BENCH-1', quantity }] },
    { 'idempotency-key': key },
  );

// An order auto-approved by the default rules (under 1,000.00), carried to CLOSED.
let auto = { id: '' };
await measure(
  'createOrder (auto-approved) → workflow until it waits for the partner',
  async () => {
    auto = await order(1, 'bench-order-0001');
  },
  () => parked(auto.id, 'RequestFulfilment')(),
);
await measure('getOrder', () => call('sales', 'GET', `/v1/orders/${auto.id}`));
await measure('listOrders', () => call('sales', 'GET', '/v1/orders?limit=25'));
await measure('listOrders by status', () => call('sales', 'GET', '/v1/orders?status=IN_FULFILMENT'));
await measure('getOrderTimeline', () => call('sales', 'GET', `/v1/orders/${auto.id}/timeline`));
await measure(
  'recordShipment → workflow until it waits for delivery',
  () => call('partner', 'POST', `/v1/orders/${auto.id}/shipments`, { carrier: 'DHL', trackingNumber: 'T1' }),
  parked(auto.id, 'AwaitDelivery'),
);
await measure(
  'recordDelivery → workflow to CLOSED',
  () => call('partner', 'POST', `/v1/orders/${auto.id}/delivery`, {}),
  ended(auto.id),
);
await measure('submitFeedback', () => call('sales', 'POST', `/v1/orders/${auto.id}/feedback`, { rating: 5 }));

// An order that needs one approver (from 1,000.00).
let manual = { id: '' };
await measure(
  'createOrder (one approval level) → workflow until it waits for the approver',
  async () => {
    manual = await order(150, 'bench-order-0002');
  },
  () => parked(manual.id, 'AwaitApproval')(),
);
await measure('listApprovals', () => call('approver', 'GET', '/v1/approvals?status=pending'));
await measure(
  'approveOrder → workflow until it waits for the partner',
  () => call('approver', 'POST', `/v1/orders/${manual.id}/approve`, { comment: 'ok' }),
  parked(manual.id, 'RequestFulfilment'),
);
await measure(
  'reportFulfilmentFailure → compensation',
  () => call('partner', 'POST', `/v1/orders/${manual.id}/fulfilment-failure`, { reason: 'damaged' }),
  ended(manual.id),
);

let rejected = { id: '' };
await measure(
  'createOrder (one approval level), again',
  async () => {
    rejected = await order(150, 'bench-order-0003');
  },
  () => parked(rejected.id, 'AwaitApproval')(),
);
await measure(
  'rejectOrder → workflow to REJECTED',
  () => call('approver', 'POST', `/v1/orders/${rejected.id}/reject`, { comment: 'no' }),
  ended(rejected.id),
);
let cancelled = { id: '' };
await measure(
  'createOrder (auto-approved), again',
  async () => {
    cancelled = await order(1, 'bench-order-0004');
  },
  () => parked(cancelled.id, 'RequestFulfilment')(),
);
await measure(
  'cancelOrder → compensation',
  () => call('sales', 'POST', `/v1/orders/${cancelled.id}/cancel`, { reason: 'customer changed their mind' }),
  ended(cancelled.id),
);
await twin.stop();

console.log(
  `twin (DynamoDB Local in memory + tables + gateway + workflow runner) ready in ${startMs.toFixed(0)} ms\n`,
);
console.log('DynamoDB requests per invocation, by step and function');
const stepWidth = Math.max(...rows.map((r) => r.step.length));
const fnWidth = Math.max(...rows.map((r) => r.fn.length));
let previous = '';
for (const row of rows) {
  console.log(
    `  ${(row.step === previous ? '' : row.step).padEnd(stepWidth)}  ${row.fn.padEnd(fnWidth)}  ${row.requests}`,
  );
  previous = row.step;
}
