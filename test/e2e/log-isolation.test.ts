import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { functionName, taskFunctions } from '../../functions/manifest';
import type { Role } from '../../functions/shared/auth/roles';
import type { InvocationRecord, LogRecord } from '../../local/lambda/runtime';
import type { ApiResponse, TestTwin } from '../support/twin';
import { startTestTwin } from '../support/twin';
import { ok, openShop, type Shop } from '../support/workflow';

/**
 * The functions' log lines under load, as an operator reads them: twenty requests of five tenants
 * at once, then the workflow tasks they start, all in environments the twin reuses warm. Every
 * line must name the function and the invocation that wrote it, and carry only the keys its own
 * invocation appended (Powertools' `appendKeys` is per environment, so a key left over from the
 * previous invocation, or a line attributed to the wrong one, would show here).
 */
const twin: TestTwin = await startTestTwin({ functionLogLevel: 'INFO' });
const invocations = new Map<string, InvocationRecord>();
twin.runtime.observers.invocation.add((record) => invocations.set(record.awsRequestId, record));
/** The lines of this test's requests and of the tasks they start (the shops' set-up is not recorded). */
const lines: LogRecord[] = [];
let recording = false;
twin.runtime.observers.log.add((record) => {
  if (recording) lines.push(record);
});

/** One request: who sends it, the function it is for, what it must answer. */
interface Sent {
  label: string;
  tenantId: string;
  operation: string;
  status: number;
  response: ApiResponse;
}

const UNKNOWN_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
const TASKS = new Set(taskFunctions.map(functionName));

async function until(condition: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('function log lines under concurrent requests', () => {
  afterAll(() => twin.stop());

  it('20 mixed requests at once and their workflow tasks: every line belongs to its own function and invocation', async () => {
    const shops = [await openShop(twin), await openShop(twin)] as [Shop, Shop];
    // Refused requests come from tenants of their own: a tenantId left over from another
    // request served by the same environment cannot pass for theirs.
    const outsider = async (kind: string, roles: Role[]) => {
      const tenantId = `logs-${kind}-${process.pid}`;
      return { tenantId, client: twin.client(await twin.token({ tenantId, userId: 'outsider', roles })) };
    };
    const forbidden = await outsider('forbidden', ['fulfilment']);
    const invalid = await outsider('invalid', ['admin']);
    const unknown = await outsider('unknown', ['sales']);
    recording = true;

    const sentOne = (
      label: string,
      tenantId: string,
      operation: string,
      status: number,
      send: () => Promise<ApiResponse>,
    ): Promise<Sent> => send().then((response) => ({ label, tenantId, operation, status, response }));
    const order = (shop: Shop, sku: string, quantity: number) =>
      shop.sales.post('/v1/orders', {
        customerId: shop.customerId,
        currency: 'EUR',
        lines: [{ sku, quantity }],
      });

    // One order each before the burst, so that reads of orders find one and its tasks run during the burst.
    const earlier = await Promise.all(
      shops.map((shop) =>
        sentOne('earlier order', shop.tenantId, 'createOrder', 201, () => order(shop, 'WIDGET', 1)),
      ),
    );
    for (const s of earlier) ok(s.response, 201);

    const burst = shops.flatMap((shop, i) => {
      const request = (label: string, operation: string, status: number, send: () => Promise<ApiResponse>) =>
        sentOne(label, shop.tenantId, operation, status, send);
      return [
        request('create customer', 'createCustomer', 201, () =>
          shop.admin.post('/v1/customers', { name: `Burst ${i} Ltd` }),
        ),
        request('create product', 'createProduct', 201, () =>
          shop.admin.post('/v1/products', {
            sku: `BURST-${i}`,
            name: `Burst ${i}`,
            category: 'parts',
            unitPrice: { amountMinor: 1_000, currency: 'EUR' },
            stock: { onHand: 10 },
          }),
        ),
        // 2 × 25.00: approved by the default rules; 3 × 400.00: waits for an approver.
        request('create small order', 'createOrder', 201, () => order(shop, 'WIDGET', 2)),
        request('create large order', 'createOrder', 201, () => order(shop, 'GADGET', 3)),
        request('get customer', 'getCustomer', 200, () => shop.sales.get(`/v1/customers/${shop.customerId}`)),
        request('list customers', 'listCustomers', 200, () => shop.sales.get('/v1/customers?limit=5')),
        ...(i === 0
          ? [
              request('get product', 'getProduct', 200, () =>
                shop.sales.get(`/v1/products/${shop.products.WIDGET}`),
              ),
              request('list orders', 'listOrders', 200, () => shop.sales.get('/v1/orders?limit=5')),
            ]
          : [request('list products', 'listProducts', 200, () => shop.sales.get('/v1/products?limit=5'))]),
        request('get order', 'getOrder', 200, () =>
          shop.sales.get(`/v1/orders/${(earlier[i] as Sent).response.body.id}`),
        ),
      ];
    });
    burst.push(
      // Refused by authorize or by validation, before the handler appends its keys.
      sentOne('create customer without the role', forbidden.tenantId, 'createCustomer', 403, () =>
        forbidden.client.post('/v1/customers', { name: 'Not allowed' }),
      ),
      sentOne('invalid customer', invalid.tenantId, 'createCustomer', 400, () =>
        invalid.client.post('/v1/customers', {}),
      ),
      sentOne('unknown customer', unknown.tenantId, 'getCustomer', 404, () =>
        unknown.client.get(`/v1/customers/${UNKNOWN_ID}`),
      ),
    );
    const sent = await Promise.all(burst);
    assert.equal(sent.length, 20);
    for (const s of sent) assert.equal(s.response.status, s.status, `${s.label}: ${s.response.text}`);

    // Every order's workflow runs to its first wait, and the task that parked there returns.
    const orders = new Map<string, { tenantId: string; waitsIn: string }>();
    for (const s of [...earlier, ...sent].filter((s) => s.operation === 'createOrder' && s.status === 201)) {
      const large = s.label === 'create large order';
      orders.set(s.response.body.id, {
        tenantId: s.tenantId,
        waitsIn: large ? 'awaitApproval' : 'requestFulfilment',
      });
    }
    assert.equal(orders.size, 6);
    await Promise.all(
      [...orders].map(([id, { waitsIn }]) =>
        twin.runner.waitForTaskToken(id, waitsIn === 'awaitApproval' ? 'AwaitApproval' : 'RequestFulfilment'),
      ),
    );
    const invoked = (name: string, correlationId: string) =>
      [...invocations.values()].some((i) => i.functionName === name && i.correlationId === correlationId);
    await until(
      () => [...orders].every(([id, { waitsIn }]) => invoked(waitsIn, id)),
      'the parking tasks to return',
    );
    recording = false;

    const byRequestId = new Map(
      [...earlier, ...sent].map((s) => [s.response.headers.get('apigw-requestid') as string, s]),
    );
    const linesOf = new Map<Sent, Record<string, unknown>[]>();
    let taskLines = 0;
    for (const record of lines) {
      const where = `${record.functionName} [${record.correlationId}]: ${record.line}`;
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(record.line);
      } catch {
        assert.fail(`not a Powertools JSON line: ${where}`);
      }
      // The twin tagged the line with an invocation of the function that wrote it…
      const invocation = invocations.get(record.awsRequestId as string);
      assert.ok(invocation, `the line names no invocation the twin made: ${where}`);
      assert.equal(invocation.functionName, record.functionName, where);
      assert.equal(invocation.correlationId, record.correlationId, where);
      // …and the line itself says so: Powertools' function name and request id.
      assert.equal(line.function_name, record.functionName, where);
      assert.equal(line.function_request_id, record.awsRequestId, where);

      if (TASKS.has(record.functionName)) {
        taskLines += 1;
        const order = orders.get(record.correlationId as string);
        assert.ok(order, `a task line of an execution this test did not start: ${where}`);
        assert.equal(line.task, record.functionName, where);
        assert.equal(line.orderId, record.correlationId, where);
        assert.equal(line.tenantId, order.tenantId, where);
        for (const key of ['operation', 'correlation_id', 'routeKey'])
          assert.equal(line[key], undefined, `a task line with an HTTP request's ${key}: ${where}`);
      } else {
        const request = byRequestId.get(record.correlationId as string);
        assert.ok(request, `an HTTP line of a request this test did not send: ${where}`);
        assert.equal(
          record.functionName,
          request.operation,
          `${request.label} ran another function: ${where}`,
        );
        assert.equal(line.correlation_id, record.correlationId, where);
        if (line.tenantId !== undefined) assert.equal(line.tenantId, request.tenantId, where);
        if (line.operation !== undefined) assert.equal(line.operation, record.functionName, where);
        assert.equal(line.task, undefined, `an HTTP line with a task's keys: ${where}`);
        linesOf.set(request, [...(linesOf.get(request) ?? []), line]);
      }
    }

    // Nothing was left out: each request has its access line, with its own status and keys.
    for (const request of [...earlier, ...sent]) {
      const access = (linesOf.get(request) ?? []).filter((line) => line.message === 'request');
      assert.equal(access.length, 1, `${request.label}: one access line`);
      assert.equal(access[0]?.status, request.status, request.label);
      if (request.status !== 403 && request.status !== 400) {
        assert.equal(access[0]?.tenantId, request.tenantId, request.label);
        assert.equal(access[0]?.operation, request.operation, request.label);
      }
    }
    assert.ok(lines.length > 0);
    assert.ok(taskLines > 0, 'the workflow tasks logged');
    console.log(
      `checked ${lines.length} function log lines: ${lines.length - taskLines} of ${byRequestId.size} HTTP requests, ${taskLines} of workflow tasks, from ${new Set(lines.map((l) => l.awsRequestId)).size} invocations of ${new Set(lines.map((l) => l.functionName)).size} functions`,
    );
  });
});
