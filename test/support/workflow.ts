import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { customerKey } from '../../functions/customers/store';
import type { Role } from '../../functions/shared/auth/roles';
import { documentClient, domainTableName } from '../../functions/shared/db/client';
import type { ExecutionView } from '../../local/workflow/runner';
import type { ApiClient, TestTwin } from './twin';

/**
 * A tenant on the running twin, set up over HTTP as its people would: a sales person who places
 * orders, two approvers, an admin, the fulfilment partner, one customer and products. Workflow
 * tests drive orders through these clients and synchronise on the twin's runner.
 */
export interface Shop {
  tenantId: string;
  customerId: string;
  products: Record<string, string>;
  sales: ApiClient;
  alice: ApiClient;
  bob: ApiClient;
  admin: ApiClient;
  partner: ApiClient;
}

export interface ProductSeed {
  sku: string;
  priceMinor: number;
  onHand: number;
  category?: string;
}

export const DEFAULT_STOCK: ProductSeed[] = [
  { sku: 'WIDGET', priceMinor: 2_500, onHand: 100 },
  { sku: 'GADGET', priceMinor: 40_000, onHand: 50, category: 'machines' },
];

let tenants = 0;

export async function openShop(twin: TestTwin, products: ProductSeed[] = DEFAULT_STOCK): Promise<Shop> {
  const tenantId = `wf-${process.pid}-${tenants++}`;
  // The partner works for the tenant's default partner, which serves every order of a tenant that routes none.
  const client = async (userId: string, roles: Role[], partnerId?: string) =>
    twin.client(await twin.token({ tenantId, userId, roles, ...(partnerId ? { partnerId } : {}) }));
  const shop = {
    tenantId,
    sales: await client('sam', ['sales']),
    alice: await client('alice', ['approver']),
    bob: await client('bob', ['approver']),
    admin: await client('ada', ['admin']),
    partner: await client('parcel-partner', ['fulfilment'], 'in-house'),
  };
  const customer = await shop.admin.post('/v1/customers', { name: 'Ada Ltd' });
  assert.equal(customer.status, 201, customer.text);
  const ids: Record<string, string> = {};
  for (const p of products) {
    const created = await shop.admin.post('/v1/products', {
      sku: p.sku,
      name: `Product ${p.sku}`,
      category: p.category ?? 'parts',
      unitPrice: { amountMinor: p.priceMinor, currency: 'EUR' },
      stock: { onHand: p.onHand },
    });
    assert.equal(created.status, 201, created.text);
    ids[p.sku] = created.body.id;
  }
  return { ...shop, customerId: customer.body.id, products: ids };
}

/** POST /v1/orders as the sales person; the workflow starts with it. */
export async function placeOrder(
  shop: Shop,
  lines: { sku: string; quantity: number; discountBps?: number }[],
  extra: { promisedDeliveryDate?: string } = {},
): Promise<string> {
  const res = await shop.sales.post('/v1/orders', {
    customerId: shop.customerId,
    currency: 'EUR',
    lines,
    ...extra,
  });
  assert.equal(res.status, 201, res.text);
  return res.body.id;
}

export async function orderOf(shop: Shop, orderId: string) {
  const res = await shop.admin.get(`/v1/orders/${orderId}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** The whole timeline, oldest first. */
export async function timelineOf(shop: Shop, orderId: string): Promise<TimelineEntry[]> {
  const res = await shop.admin.get(`/v1/orders/${orderId}/timeline?limit=100`);
  assert.equal(res.status, 200, res.text);
  return res.body.items;
}

export interface TimelineEntry {
  seq: number;
  type: string;
  status: string;
  at: string;
  actor: { type: string; id: string };
  details?: Record<string, any>;
}

/** Type, status after it and actor of each event: what a reader of the timeline sees. */
export const steps = (events: TimelineEntry[]) =>
  events.map((e) => [e.type, e.status, `${e.actor.type}:${e.actor.id}`]);

export async function stockOf(
  shop: Shop,
  sku: string,
): Promise<{ onHand: number; reserved: number; available: number }> {
  const res = await shop.admin.get(`/v1/products/${shop.products[sku]}`);
  assert.equal(res.status, 200, res.text);
  return res.body.stock;
}

export const ok = (res: { status: number; text: string }, status = 200) =>
  assert.equal(res.status, status, res.text);

/** The execution ended as expected; on failure the message shows where it went instead. */
export function assertExecution(
  execution: ExecutionView,
  status: ExecutionView['status'] = 'SUCCEEDED',
): void {
  const path = execution.events
    .filter((e) => e.type === 'StateEntered')
    .map((e) => (e as { state: { name: string } }).state.name)
    .join(' → ');
  assert.equal(execution.status, status, `${execution.error ?? ''} ${execution.cause ?? ''} (${path})`);
}

/** The states an execution entered, in order. */
export const statesOf = (execution: ExecutionView) =>
  execution.events
    .filter((e) => e.type === 'StateEntered')
    .map((e) => (e as { state: { name: string } }).state.name);

/** A state's failure as the execution's history records it: the state, its error and cause. */
export interface StateFailure {
  state: string;
  error: string | undefined;
  cause: unknown;
}

/** Every StateFailed event of the execution, in order; only those of `state` when it is named. */
export function failuresOf(execution: ExecutionView, state?: string): StateFailure[] {
  return execution.events
    .filter((e) => e.type === 'StateFailed')
    .map((e) => {
      const failed = e as unknown as { state: { name: string }; Error?: string; Cause?: unknown };
      return { state: failed.state.name, error: failed.Error, cause: failed.Cause };
    })
    .filter((f) => state === undefined || f.state === state);
}

/**
 * Resolves once the execution has entered `state` at least `times` times. Re-checked on every
 * line the runner logs (it logs each state entered), so it waits on the workflow, not on a clock.
 */
export function waitForEntry(
  twin: TestTwin,
  orderId: string,
  state: string,
  times: number,
  timeoutMs = 60_000,
): Promise<void> {
  const entered = () =>
    statesOf(twin.runner.execution(orderId) as ExecutionView).filter((s) => s === state).length;
  return new Promise((resolve, reject) => {
    const check = () => {
      const execution = twin.runner.execution(orderId);
      if (execution && entered() >= times) return done(resolve);
      if (execution?.stopDate)
        return done(() =>
          reject(new Error(`${orderId} ended ${execution.status} in ${execution.currentState}`)),
        );
    };
    const timer = setTimeout(
      () =>
        done(() =>
          reject(new Error(`${orderId} did not enter ${state} ${times} times within ${timeoutMs} ms`)),
        ),
      timeoutMs,
    );
    const done = (settle: () => void) => {
      clearTimeout(timer);
      twin.log.off('line', check);
      settle();
    };
    twin.log.on('line', check);
    check();
  });
}

/** The tenant's people again, on another twin (a restart issues tokens with its own key). */
export async function reopenShop(twin: TestTwin, shop: Shop): Promise<Shop> {
  const client = async (userId: string, roles: Role[], partnerId?: string) =>
    twin.client(
      await twin.token({ tenantId: shop.tenantId, userId, roles, ...(partnerId ? { partnerId } : {}) }),
    );
  return {
    ...shop,
    sales: await client('sam', ['sales']),
    alice: await client('alice', ['approver']),
    bob: await client('bob', ['approver']),
    admin: await client('ada', ['admin']),
    partner: await client('parcel-partner', ['fulfilment'], 'in-house'),
  };
}

/** Ships and delivers an order that waits for the partner, then waits for its execution to end. */
export async function shipAndDeliver(twin: TestTwin, shop: Shop, orderId: string): Promise<ExecutionView> {
  await twin.runner.waitForTaskToken(orderId, 'RequestFulfilment');
  ok(
    await shop.partner.post(`/v1/orders/${orderId}/shipments`, {
      carrier: 'DHL',
      trackingNumber: `JD-${orderId}`,
    }),
    201,
  );
  await twin.runner.waitForTaskToken(orderId, 'AwaitDelivery');
  ok(await shop.partner.post(`/v1/orders/${orderId}/delivery`, {}));
  return twin.runner.waitForExecution(orderId);
}

/** The customer's credit exposure and history as stored (not part of the Customer resource). */
export async function customerAccount(
  shop: Shop,
): Promise<{ openBalanceMinor: number; closedOrders: number }> {
  const result = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: customerKey(shop.tenantId, shop.customerId),
      ConsistentRead: true,
    }),
  );
  return {
    openBalanceMinor: Number(result.Item?.openBalanceMinor ?? 0),
    closedOrders: Number(result.Item?.closedOrders ?? 0),
  };
}
