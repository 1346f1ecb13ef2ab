import { setTimeout as sleep } from 'node:timers/promises';
import type { Twin } from '../../local/twin';
import type { benchClient } from './http';

/** A tenant to benchmark on: its people's tokens, a customer without a credit limit, products with ample stock. */
export interface BenchShop {
  tokens: { admin: string; sales: string; approver: string; fulfilment: string };
  customerId: string;
  skus: string[];
}

type Call = ReturnType<typeof benchClient>;

export async function openBenchShop(twin: Twin, call: Call, tenantId = 'bench'): Promise<BenchShop> {
  // The fulfilment user works for the tenant's default partner, which serves every order here.
  const token = (userId: string, role: 'admin' | 'sales' | 'approver' | 'fulfilment') =>
    twin.token({
      tenantId,
      userId,
      roles: [role],
      ...(role === 'fulfilment' ? { partnerId: 'in-house' } : {}),
    });
  const tokens = {
    admin: await token('bench-admin', 'admin'),
    sales: await token('bench-sales', 'sales'),
    approver: await token('bench-approver', 'approver'),
    fulfilment: await token('bench-partner', 'fulfilment'),
  };
  const customer = await call(tokens.admin, 'POST', '/v1/customers', { name: 'Bench Retail Ltd' });
  if (customer.status !== 201) throw new Error(`Cannot create the bench customer: ${customer.status}`);
  const skus = ['BENCH-1', 'BENCH-2', 'BENCH-3'];
  for (const sku of skus) {
    const product = await call(tokens.admin, 'POST', '/v1/products', {
      sku,
      name: `Bench widget ${sku}`,
      category: 'Bench',
      unitPrice: { amountMinor: 1000, currency: 'EUR' },
      stock: { onHand: 1_000_000_000 },
    });
    if (product.status !== 201) throw new Error(`Cannot create ${sku}: ${product.status}`);
  }
  return { tokens, customerId: customer.body.id, skus };
}

export interface Scenario {
  name: string;
  lines: { sku: string; quantity: number }[];
  /** The default rules ask one approver for an order from 1,000.00. */
  approval: boolean;
  /** Letters and dashes, for idempotency keys. */
  slug: string;
}

/** The order paths whose cost the benchmark reports (prices 10.00 EUR a unit). */
export const SCENARIOS: Scenario[] = [
  {
    name: '1 line, auto-approved',
    slug: 'one-line',
    lines: [{ sku: 'BENCH-1', quantity: 1 }],
    approval: false,
  },
  {
    name: '3 lines, auto-approved',
    slug: 'three-lines',
    lines: [
      { sku: 'BENCH-1', quantity: 2 },
      { sku: 'BENCH-2', quantity: 3 },
      { sku: 'BENCH-3', quantity: 4 },
    ],
    approval: false,
  },
  {
    name: '1 line, one approval level',
    slug: 'one-approval',
    lines: [{ sku: 'BENCH-1', quantity: 150 }],
    approval: true,
  },
];

export async function placeOrder(
  call: Call,
  shop: BenchShop,
  lines: Scenario['lines'],
  key: string,
): Promise<string | undefined> {
  const res = await call(
    shop.tokens.sales,
    'POST',
    '/v1/orders',
    { customerId: shop.customerId, currency: 'EUR', lines },
    { 'idempotency-key': key },
  );
  return res.status === 201 ? res.body.id : undefined;
}

/** Runs an order from creation to CLOSED as its people and its partner would; false when a step failed. */
export async function runToClosed(
  twin: Twin,
  call: Call,
  shop: BenchShop,
  scenario: Scenario,
  key: string,
): Promise<string | undefined> {
  const id = await placeOrder(call, shop, scenario.lines, key);
  if (!id) return undefined;
  try {
    if (scenario.approval) {
      await twin.runner.waitForTaskToken(id, 'AwaitApproval', 120_000);
      const approved = await call(shop.tokens.approver, 'POST', `/v1/orders/${id}/approve`, {
        comment: 'ok',
      });
      if (approved.status !== 200) return undefined;
    }
    await twin.runner.waitForTaskToken(id, 'RequestFulfilment', 120_000);
    const shipped = await call(shop.tokens.fulfilment, 'POST', `/v1/orders/${id}/shipments`, {
      carrier: 'DHL',
      trackingNumber: `T-${key}`,
    });
    if (shipped.status !== 201) return undefined;
    const delivered = await call(shop.tokens.fulfilment, 'POST', `/v1/orders/${id}/delivery`, {});
    if (delivered.status !== 200) return undefined;
    const execution = await twin.runner.waitForExecution(id, 120_000);
    // The execution's last task has returned; let its environment's last messages arrive.
    await sleep(20);
    return execution.status === 'SUCCEEDED' ? id : undefined;
  } catch {
    return undefined;
  }
}
