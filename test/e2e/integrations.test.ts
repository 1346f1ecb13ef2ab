import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, it } from 'vitest';
import { startDemoPartner } from '../../local/partner-simulator/demo';
import { startDemoSimulator } from '../../local/partner-simulator/setup';
import { startPartnerSimulator } from '../../local/partner-simulator/simulator';
import { readSimulatorState } from '../../local/partner-simulator/state';
import { startTestTwin } from '../support/twin';
import { ok, openShop, type Shop, timelineOf } from '../support/workflow';

/**
 * Integrations end to end on the twin, over real HTTP both ways: the simulated fulfilment partner
 * (local/partner-simulator/) receives Orderly's signed `order.fulfilment_requested` webhook and
 * reports shipped and delivered through the signed inbound endpoint, so an order reaches CLOSED by
 * itself; an ERP-like receiver subscribed to `order.*` gets every event of the order, in order,
 * each verified by the reference `standardwebhooks` package.
 *
 * Waits are on conditions with generous deadlines (a saturated CI runs this slowly); the sweeper
 * is nudged while waiting, so a delivery that missed its inline attempt does not wait a minute.
 */
const twin = await startTestTwin();
const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  await twin.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const FAST = { enabled: true, delaySeconds: 0.2 };
const DEADLINE_MS = 240_000;

/** Polls `check` until it returns a value; nudges the webhook sweeper now and then. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  let rounds = 0;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    if (++rounds % 20 === 0) await twin.runJob('sweepWebhookDeliveries').catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface Received {
  webhookId: string;
  payload: { id: string; type: string; subject: string; data: Record<string, unknown> };
}

/** A receiver as an ERP would run one: verifies with `standardwebhooks`, keeps each webhook-id once, in arrival order. */
async function startErpReceiver() {
  let secret: string | undefined;
  const received: Received[] = [];
  const seen = new Set<string>();
  let refused = 0;
  const server = createServer(async (req, res) => {
    const body = await text(req);
    try {
      if (!secret) throw new Error('no secret yet');
      const payload = new Webhook(secret).verify(
        body,
        req.headers as Record<string, string>,
      ) as Received['payload'];
      const webhookId = String(req.headers['webhook-id']);
      if (!seen.has(webhookId)) {
        seen.add(webhookId);
        received.push({ webhookId, payload });
      }
      res.writeHead(204).end();
    } catch {
      refused++;
      res.writeHead(401).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  server.unref();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/erp`,
    setSecret: (value: string) => {
      secret = value;
    },
    of: (orderId: string) => received.filter((r) => r.payload.data.orderId === orderId),
    refused: () => refused,
  };
}

async function text(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function simulatorFor(shop: Shop, stateFile: string) {
  const adminToken = await twin.token({
    tenantId: shop.tenantId,
    userId: 'simulator-admin',
    roles: ['admin'],
  });
  const demo = await startDemoSimulator({
    apiUrl: twin.url,
    adminToken,
    tenantId: shop.tenantId,
    partnerId: 'in-house',
    stateFile,
    settings: FAST,
    retryScale: 0.05,
  });
  closers.push(() => demo.simulator.stop());
  return demo;
}

async function placeShippableOrder(shop: Shop, customerId: string): Promise<string> {
  // 2 × 25.00: the default rules approve it without anyone.
  const created = await shop.sales.post('/v1/orders', {
    customerId,
    currency: 'EUR',
    lines: [{ sku: 'WIDGET', quantity: 2 }],
    promisedDeliveryDate: '2099-01-31',
  });
  ok(created, 201);
  return created.body.id as string;
}

const closed = (shop: Shop, orderId: string) =>
  eventually(`order ${orderId} CLOSED`, async () => {
    const res = await shop.admin.get(`/v1/orders/${orderId}`);
    ok(res);
    assert.ok(
      !['CANCELLED', 'REJECTED'].includes(res.body.status),
      `the order ended ${res.body.status}: ${JSON.stringify(res.body)}`,
    );
    return res.body.status === 'CLOSED' ? res.body : undefined;
  });

describe('the fulfilment partner simulator on the twin', () => {
  it('takes an order to CLOSED by itself; a receiver of order.* gets every event of it once, in seq order', async () => {
    const shop = await openShop(twin);
    const dir = mkdtempSync(join(tmpdir(), 'orderly-sim-'));
    dirs.push(dir);
    const customer = await shop.admin.post('/v1/customers', {
      name: 'Grace Hopper GmbH',
      address: { line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' },
      addresses: [
        { label: 'shipping', line1: 'Dock 4', city: 'Hamburg', postalCode: '20457', country: 'DE' },
      ],
    });
    ok(customer, 201);

    const erp = await startErpReceiver();
    const subscribed = await shop.admin.post('/v1/webhooks/endpoints', {
      url: erp.url,
      eventTypes: ['order.*'],
      description: 'ERP',
    });
    ok(subscribed, 201);
    erp.setSecret(subscribed.body.secret);
    const { simulator, state } = await simulatorFor(shop, join(dir, 'simulator.json'));

    const orderId = await placeShippableOrder(shop, customer.body.id);
    const order = await closed(shop, orderId);
    assert.equal(order.partnerId, 'in-house');
    assert.equal(order.shipments.length, 1);
    assert.equal(order.shipments[0].carrier, 'Simulated Parcel Co');
    assert.equal(order.shipments[0].trackingNumber, `SIM${orderId.slice(-10)}`);
    assert.deepEqual(simulator.counts(), { requests: 1, shipped: 1, delivered: 1, failed: 0 });

    const timeline = await timelineOf(shop, orderId);
    const reported = timeline.filter((e) => e.type === 'SHIPPED' || e.type === 'DELIVERED');
    assert.deepEqual(
      reported.map((e) => [e.type, e.actor]),
      [
        ['SHIPPED', { type: 'partner', id: 'in-house' }],
        ['DELIVERED', { type: 'partner', id: 'in-house' }],
      ],
      'the reports came in through the inbound endpoint, as the partner',
    );

    // Every event of the order, each once, in the order they happened.
    const events = await eventually('every event at the ERP receiver', async () => {
      const got = erp.of(orderId);
      return got.length >= timeline.length ? got : undefined;
    });
    assert.deepEqual(
      events.map((e) => e.payload.data.seq),
      timeline.map((e) => e.seq),
    );
    assert.deepEqual(
      events.map((e) => e.webhookId),
      timeline.map((e) => `${orderId}.${String(e.seq).padStart(6, '0')}`),
      'the webhook-id is the domain event id',
    );
    assert.ok(events.every((e) => e.payload.subject === `orders/${orderId}`));
    assert.equal(events.at(-1)?.payload.type, 'order.closed');
    const request = events.find((e) => e.payload.type === 'order.fulfilment_requested');
    assert.ok(request, 'the ERP saw the fulfilment request too');
    assert.deepEqual(request.payload.data.shipTo, {
      line1: 'Dock 4',
      city: 'Hamburg',
      postalCode: '20457',
      country: 'DE',
    });
    assert.equal(request.payload.data.customerName, 'Grace Hopper GmbH');
    assert.equal(request.payload.data.promisedDeliveryDate, '2099-01-31');
    assert.deepEqual(request.payload.data.lines, [{ sku: 'WIDGET', name: 'Product WIDGET', quantity: 2 }]);
    assert.equal(erp.refused(), 0, 'every delivery verified');

    // The partner's endpoint got the fulfilment request only (its filter, its partner's orders).
    const deliveries = await eventually('the partner’s delivery recorded as succeeded', async () => {
      const res = await shop.admin.get(`/v1/webhooks/deliveries?endpointId=${state.endpointId}`);
      ok(res);
      const items = res.body.items as { eventType: string; status: string }[];
      return items.length > 0 && items.every((d) => d.status !== 'pending') ? items : undefined;
    });
    assert.deepEqual(
      deliveries.map((d) => [d.eventType, d.status]),
      [['order.fulfilment_requested', 'succeeded']],
    );
  });

  it('registers once across restarts: the kept endpoint follows the new port; a lost state file is replaced, not added to', async () => {
    const shop = await openShop(twin);
    const dir = mkdtempSync(join(tmpdir(), 'orderly-sim-'));
    dirs.push(dir);
    const stateFile = join(dir, 'simulator.json');
    const first = await simulatorFor(shop, stateFile);
    // Started while the first still holds its port: another port, the same endpoint and source, the URL patched.
    const second = await simulatorFor(shop, stateFile);
    assert.notEqual(second.simulator.port, first.simulator.port);
    assert.equal(second.state.endpointId, first.state.endpointId);
    assert.equal(second.state.sourceId, first.state.sourceId);
    assert.equal(second.state.endpointSecret, first.state.endpointSecret);
    const endpoint = await shop.admin.get(`/v1/webhooks/endpoints/${first.state.endpointId}`);
    ok(endpoint);
    assert.equal(endpoint.body.url, second.simulator.url);
    assert.deepEqual(endpoint.body.eventTypes, ['order.fulfilment_requested']);
    assert.equal(endpoint.body.partnerId, 'in-house');
    assert.equal(endpoint.body.enabled, true);
    assert.equal(endpoint.body.secret, undefined, 'the secret is never read back');
    assert.equal(readSimulatorState(stateFile)?.port, second.simulator.port);
    await first.simulator.stop();

    rmSync(stateFile);
    const third = await simulatorFor(shop, stateFile);
    await second.simulator.stop();
    assert.notEqual(third.state.endpointId, first.state.endpointId);
    assert.notEqual(third.state.sourceId, first.state.sourceId);
    const endpoints = await shop.admin.get('/v1/webhooks/endpoints');
    ok(endpoints);
    const items = (body: unknown) => (Array.isArray(body) ? body : (body as { items: unknown[] }).items);
    assert.deepEqual(
      items(endpoints.body).map((e) => (e as { id: string }).id),
      [third.state.endpointId],
    );
    const sources = await shop.admin.get('/v1/webhooks/inbound-sources');
    ok(sources);
    assert.deepEqual(
      items(sources.body).map((s) => (s as { id: string }).id),
      [third.state.sourceId],
    );

    // The new registration works end to end.
    const orderId = await placeShippableOrder(shop, shop.customerId);
    await closed(shop, orderId);
    assert.equal(third.simulator.counts().delivered, 1);
  });

  it('refuses a delivery it cannot verify, acts once on a repeated one, and gives up on a report Orderly refuses', async () => {
    const shop = await openShop(twin);
    const dir = mkdtempSync(join(tmpdir(), 'orderly-sim-'));
    dirs.push(dir);
    const { simulator, state } = await simulatorFor(shop, join(dir, 'simulator.json'));
    const body = JSON.stringify({
      id: '01JZZZZZZZZZZZZZZZZZZZZZZZ.000004',
      type: 'order.fulfilment_requested',
      timestamp: new Date().toISOString(),
      subject: 'orders/01JZZZZZZZZZZZZZZZZZZZZZZZ',
      data: { orderId: '01JZZZZZZZZZZZZZZZZZZZZZZZ', partnerId: 'in-house' },
    });
    const send = (secret: string, id = 'msg-1') => {
      const at = new Date();
      return fetch(simulator.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(secret).sign(id, at, body),
        },
        body,
      });
    };
    const stranger = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    assert.equal((await send(stranger)).status, 401);
    assert.equal((await send(state.endpointSecret)).status, 204);
    assert.equal((await send(state.endpointSecret)).status, 204, 'a repeat is acknowledged');
    // The order does not exist in the tenant: Orderly answers 404, and the simulator gives up.
    await eventually('the simulator to give up', async () =>
      simulator.counts().failed === 1 ? true : undefined,
    );
    assert.deepEqual(simulator.counts(), { requests: 1, shipped: 0, delivered: 0, failed: 1 });
  });
});

describe('npm start’s line about the simulator', () => {
  it('says where it listens and its delay; says it is off, or why it did not start, and the twin goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderly-sim-'));
    dirs.push(dir);
    const stateFile = join(dir, 'simulator.json');
    const tenant = `sim-demo-${process.pid}`;
    const on = await startDemoPartner(twin, tenant, {
      env: { ORDERLY_SIMULATOR_DELAY_SECONDS: '2' },
      stateFile,
    });
    closers.push(on.stop);
    assert.match(
      on.line,
      /^Partner {2}"in-house" simulated at http:\/\/127\.0\.0\.1:\d+\/webhooks: ships 2 s after a fulfilment request, delivers 2 s later \(ORDERLY_SIMULATOR=off turns it off\)$/,
    );
    assert.equal(readSimulatorState(stateFile)?.tenantId, tenant);
    await on.stop();

    const off = await startDemoPartner(twin, tenant, { env: { ORDERLY_SIMULATOR: 'off' }, stateFile });
    assert.match(off.line, /simulator off \(ORDERLY_SIMULATOR=off\)/);
    const unreadable = await startDemoPartner(twin, tenant, {
      env: { ORDERLY_SIMULATOR_DELAY_SECONDS: 'soon' },
      stateFile,
    });
    assert.match(unreadable.line, /simulator not started: ORDERLY_SIMULATOR_DELAY_SECONDS must be a number/);
    // Orderly refusing the registration (an expired token here) leaves the twin running without it.
    const refused = await startDemoPartner({ url: twin.url, token: async () => 'not-a-token' }, tenant, {
      env: {},
      stateFile,
    });
    assert.match(refused.line, /simulator not started: GET \/v1\/webhooks\/endpoints\/\w+ answered 401/);
    await refused.stop();
  });
});

describe('the partner simulator’s reports against a stand-in Orderly', () => {
  it('signs each report with the inbound secret, retries a 5xx with the same id and body, and ships before it delivers', async () => {
    const inboundSecret = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
    const attempts: { id: string; body: string; verified: boolean }[] = [];
    let failuresLeft = 2;
    const orderly = createServer(async (req, res) => {
      const body = await text(req);
      let verified = true;
      try {
        new Webhook(inboundSecret).verify(body, req.headers as Record<string, string>);
      } catch {
        verified = false;
      }
      attempts.push({ id: String(req.headers['webhook-id']), body, verified });
      if (failuresLeft-- > 0) return res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => orderly.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => orderly.close(() => resolve())));
    const simulator = await startPartnerSimulator({
      apiUrl: `http://127.0.0.1:${(orderly.address() as AddressInfo).port}`,
      delaySeconds: 0,
      partnerId: 'in-house',
      retryScale: 0.01,
    });
    closers.push(() => simulator.stop());
    simulator.configure({ endpointSecret: inboundSecret, sourceId: 'SOURCE1', inboundSecret });
    simulator.resume('01JABCDEFGHJKMNPQRSTVWXYZ0', 'ship');
    await eventually('both reports', async () => (simulator.counts().delivered === 1 ? true : undefined));
    assert.ok(
      attempts.every((a) => a.verified),
      'every attempt verifies with the inbound secret',
    );
    const types = attempts.map((a) => JSON.parse(a.body).type);
    assert.deepEqual(types, [
      'fulfilment.shipped',
      'fulfilment.shipped',
      'fulfilment.shipped',
      'fulfilment.delivered',
    ]);
    assert.equal(new Set(attempts.slice(0, 3).map((a) => a.id)).size, 1, 'retries keep the webhook-id');
    assert.equal(new Set(attempts.slice(0, 3).map((a) => a.body)).size, 1, 'retries keep the body');
    assert.notEqual(attempts[3]?.id, attempts[0]?.id);
    assert.deepEqual(simulator.counts(), { requests: 0, shipped: 1, delivered: 1, failed: 0 });
  });
});
