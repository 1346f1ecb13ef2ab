import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { getOrderRecord } from '../../functions/orders/store';
import { type ApiClient, type ApiResponse, startTestTwin, type TestTwin } from '../support/twin';
import { ok, openShop, placeOrder, type Shop } from '../support/workflow';

/**
 * A task token answers the workflow: whoever holds one can approve, ship or cancel past every
 * check of the API. The order item keeps it (for whoever acts next), and nothing else may: no
 * response (order, order list, timeline, approvals inbox, a refusal), no function log line, no
 * line of the twin. Orders are driven through each wait a token is parked for — an approval
 * level (two levels in turn), the shipment, the delivery — and through each way a token is
 * failed; everything seen on the way is then searched for every token the runner minted.
 * Functions log at DEBUG, with Powertools' event logging switched on as an operator might.
 */
const twin = await startTestTwin({
  functionLogLevel: 'DEBUG',
  functionVariables: { POWERTOOLS_LOGGER_LOG_EVENT: 'true' },
});

/** Everything a person, an operator or a log reader could see, as text. */
const seen: { where: string; text: string }[] = [];
twin.runtime.observers.log.add((record) =>
  seen.push({ where: `log of ${record.functionName}`, text: record.line }),
);
twin.log.on('line', (line: string) => seen.push({ where: 'twin log', text: line }));

function recorded(client: ApiClient): ApiClient {
  const keep = (res: ApiResponse) => {
    const headers = [...res.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
    seen.push({ where: `response ${res.status}`, text: `${headers}\n\n${res.text}` });
    return res;
  };
  return {
    get: (...args) => client.get(...args).then(keep),
    post: (...args) => client.post(...args).then(keep),
    patch: (...args) => client.patch(...args).then(keep),
    raw: (...args) => client.raw(...args).then(keep),
  };
}

/** The twin, its clients recording every response they get. */
const recordingTwin: TestTwin = { ...twin, client: (token) => recorded(twin.client(token)) };

/** Every read that shows an order or its progress, by each person who may make it. */
async function readEverything(shop: Shop, orderId: string) {
  for (const person of [shop.sales, shop.alice, shop.bob, shop.admin]) {
    await person.get(`/v1/orders/${orderId}`);
    await person.get(`/v1/orders/${orderId}/timeline?limit=100`);
    await person.get('/v1/orders?limit=100');
  }
  for (const approver of [shop.alice, shop.bob, shop.admin]) {
    await approver.get('/v1/approvals');
    await approver.get('/v1/approvals?status=pending');
  }
  await shop.partner.get(`/v1/orders/${orderId}`);
}

/** The order item holds the token the runner parked: the one place it belongs. */
async function assertTokenOnOrder(shop: Shop, orderId: string, state: string) {
  const task = await twin.runner.waitForTaskToken(orderId, state);
  const record = await getOrderRecord(shop.tenantId, orderId);
  assert.equal(record.task?.token, task.token, `${state}: the order item keeps the parked token`);
}

describe('task tokens never leave the order item', () => {
  afterAll(() => twin.stop());

  it('no response, timeline, log line or twin line carries a token, through every wait and every way out of one', async () => {
    const shop = await openShop(recordingTwin);

    // Two approval levels (12,000.00), shipment, delivery: every kind of wait, each answered.
    const big = await placeOrder(shop, [{ sku: 'GADGET', quantity: 30 }]);
    await assertTokenOnOrder(shop, big, 'AwaitApproval');
    await readEverything(shop, big);
    ok(await shop.alice.post(`/v1/orders/${big}/approve`, { comment: 'first level' }));
    // A refusal is a response too: the second level is not Alice's to decide.
    assert.equal((await shop.alice.post(`/v1/orders/${big}/approve`, {})).status, 403);
    await twin.runner.waitForTaskToken(big, 'AwaitApproval');
    await assertTokenOnOrder(shop, big, 'AwaitApproval');
    await readEverything(shop, big);
    ok(await shop.admin.post(`/v1/orders/${big}/approve`, { comment: 'second level' }));
    await assertTokenOnOrder(shop, big, 'RequestFulfilment');
    await readEverything(shop, big);
    ok(
      await shop.partner.post(`/v1/orders/${big}/shipments`, { carrier: 'DHL', trackingNumber: 'TT-1' }),
      201,
    );
    await assertTokenOnOrder(shop, big, 'AwaitDelivery');
    await readEverything(shop, big);
    assert.equal((await shop.sales.post(`/v1/orders/${big}/cancel`, { reason: 'late' })).status, 409);
    ok(await shop.partner.post(`/v1/orders/${big}/delivery`, {}));
    assert.equal((await twin.runner.waitForExecution(big)).status, 'SUCCEEDED');
    await readEverything(shop, big);

    // Rejected at its level, cancelled while waiting for the partner, failed by the partner.
    const rejected = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 50 }]);
    await assertTokenOnOrder(shop, rejected, 'AwaitApproval');
    ok(await shop.bob.post(`/v1/orders/${rejected}/reject`, { comment: 'too dear' }));
    const cancelled = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 2 }]);
    await assertTokenOnOrder(shop, cancelled, 'RequestFulfilment');
    ok(await shop.sales.post(`/v1/orders/${cancelled}/cancel`, { reason: 'ordered twice' }), 202);
    const failed = await placeOrder(shop, [{ sku: 'WIDGET', quantity: 3 }]);
    await assertTokenOnOrder(shop, failed, 'RequestFulfilment');
    ok(await shop.partner.post(`/v1/orders/${failed}/fulfilment-failure`, { reason: 'no stock' }), 202);
    for (const id of [rejected, cancelled, failed]) {
      await twin.runner.waitForExecution(id);
      await readEverything(shop, id);
    }

    const tokens = twin.runner.mintedTokens();
    assert.ok(tokens.length >= 7, `${tokens.length} tokens minted: every wait above parked one`);
    const logLines = seen.filter((s) => s.where.startsWith('log of'));
    assert.ok(
      logLines.some((s) => s.where.includes('AwaitApproval') || /awaitApproval/.test(s.text)),
      'the token tasks’ own log lines were read',
    );
    assert.ok(seen.filter((s) => s.where.startsWith('response')).length > 100);
    const leaks = seen.flatMap(({ where, text }) =>
      tokens.filter((token) => text.includes(token)).map(() => `${where}: ${text.slice(0, 300)}`),
    );
    assert.deepEqual(leaks, []);
  });
});
