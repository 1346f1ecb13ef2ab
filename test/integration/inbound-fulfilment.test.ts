import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, it } from 'vitest';
import { newLocalSecretKey, SECRET_KEY_ENV } from '../../functions/shared/secrets/sealed-secret';
import { newWebhookSecret } from '../../functions/shared/signing/standard-webhooks';
import { createTestTables } from '../support/database';
import { invoke, principal } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/**
 * POST /v1/inbound/fulfilment/{sourceId}: a partner's reports, signed per Standard Webhooks by the
 * reference package, verified before anything else, applied once per webhook-id by the same
 * domain functions as the fulfilment API, within the partner's orders of the source's tenant.
 */
const tables = await createTestTables();
process.env[SECRET_KEY_ENV] = newLocalSecretKey();
const { orderIn, recordWorkflow, setUpTenant } = await import('../support/orders');
const { createSource, deleteSource, rotateSourceSecret } = await import('../../functions/inbound/store');
const { getOrderRecord } = await import('../../functions/orders/store');
const { handler: inbound } = await import('../../functions/inbound/fulfilment');
const { handler: timeline } = await import('../../functions/orders/timeline');
const port = recordWorkflow();
const requests = requestCounter(tables);
afterAll(() => tables.drop());

type Fixture = Awaited<ReturnType<typeof setUpTenant>>;

interface Signed {
  id?: string;
  at?: Date;
  secret?: string;
  /** Sent instead of the signed body (a tampered one). */
  sentBody?: string;
  headers?: Record<string, string | undefined>;
}

let counter = 0;
const newMessageId = () => `msg_${process.pid}_${counter++}`;

/** Signs `message` with the reference implementation and posts it as the partner would. */
async function send(sourceId: string, message: unknown, secret: string, options: Signed = {}) {
  const id = options.id ?? newMessageId();
  const at = options.at ?? new Date();
  const body = typeof message === 'string' ? message : JSON.stringify(message);
  const headers: Record<string, string> = {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(options.secret ?? secret).sign(id, at, body),
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  const { response, byCommand } = await requests.run('receiveFulfilmentReport', () =>
    invoke(inbound, {
      routeKey: 'POST /v1/inbound/fulfilment/{sourceId}',
      path: `/v1/inbound/fulfilment/${sourceId}`,
      pathParameters: { sourceId },
      body: options.sentBody ?? body,
      headers,
    }),
  );
  return { ...response, id, requests: byCommand };
}

const shipped = (orderId: string) => ({
  type: 'fulfilment.shipped',
  timestamp: new Date().toISOString(),
  data: { orderId, carrier: 'DHL', trackingNumber: 'JD014600006281230704' },
});
const delivered = (orderId: string) => ({
  type: 'fulfilment.delivered',
  timestamp: new Date().toISOString(),
  data: { orderId },
});
const failed = (orderId: string, reason = 'Out of stock at the warehouse') => ({
  type: 'fulfilment.failed',
  timestamp: new Date().toISOString(),
  data: { orderId, reason },
});

async function partnerSource(t: Fixture, partnerId = 'in-house') {
  const { source, secret } = await createSource(t.tenantId, { kind: 'fulfilment', partnerId }, new Date());
  return { sourceId: source.id, secret };
}

const eventsOf = async (t: Fixture, orderId: string) =>
  (
    await invoke(timeline, {
      routeKey: 'GET /v1/orders/{orderId}/timeline',
      pathParameters: { orderId },
      query: { limit: '100' },
      principal: principal(t.tenantId, ['admin']),
    })
  ).body.items as { type: string; actor: { type: string; id: string } }[];

/** What a refused message must leave: the order as it was, the timeline as it was, no answer to the workflow. */
async function assertUnchanged(t: Fixture, orderId: string, before: { version: number; status: string }) {
  const after = await getOrderRecord(t.tenantId, orderId);
  assert.deepEqual(
    { version: after.version, status: after.status },
    {
      version: before.version,
      status: before.status,
    },
  );
}

describe('inbound fulfilment reports', () => {
  it('applies a shipment signed by the reference package, as the partner, and resumes the workflow', async () => {
    const t = await setUpTenant();
    const { sourceId, secret } = await partnerSource(t);
    const order = await orderIn(t, 'IN_FULFILMENT');
    const res = await send(sourceId, shipped(order.id), secret);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { orderId: order.id, status: 'SHIPPED' });
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    const events = await eventsOf(t, order.id);
    assert.deepEqual(events.at(-1)?.type, 'SHIPPED');
    assert.deepEqual(events.at(-1)?.actor, { type: 'partner', id: 'in-house' });
    assert.ok(port.successes.some((s) => s.taskToken === `token-shipment-${order.id}`));

    const done = await send(sourceId, delivered(order.id), secret);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.status, 'DELIVERED');
    assert.equal((await getOrderRecord(t.tenantId, order.id)).status, 'DELIVERED');
  });

  it('answers a replayed webhook-id with the first answer and no second effect', async () => {
    const t = await setUpTenant();
    const { sourceId, secret } = await partnerSource(t);
    const order = await orderIn(t, 'IN_FULFILMENT');
    const message = shipped(order.id);
    const first = await send(sourceId, message, secret);
    assert.equal(first.status, 200);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    const version = (await getOrderRecord(t.tenantId, order.id)).version;

    // The partner's retry: same id, signed again at a later second.
    const again = await send(sourceId, message, secret, { id: first.id, at: new Date(Date.now() + 2_000) });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.body, first.body);
    assert.equal((await getOrderRecord(t.tenantId, order.id)).version, version);
    assert.equal((await eventsOf(t, order.id)).filter((e) => e.type === 'SHIPPED').length, 1);

    // The same id with another message is not a retry.
    const reused = await send(sourceId, { ...message, data: { ...message.data, carrier: 'UPS' } }, secret, {
      id: first.id,
    });
    assert.equal(reused.status, 422, JSON.stringify(reused.body));
    assert.equal((await getOrderRecord(t.tenantId, order.id)).version, version);
  });

  it('refuses a bad or missing signature or a stale timestamp with 401, reading only the source', async () => {
    const t = await setUpTenant();
    const { sourceId, secret } = await partnerSource(t);
    const order = await orderIn(t, 'IN_FULFILMENT');
    const message = shipped(order.id);
    const body = JSON.stringify(message);
    const sixMinutes = 6 * 60 * 1000;
    const refused: [string, Signed][] = [
      ['tampered body', { sentBody: body.replace('DHL', 'UPS') }],
      ['wrong secret', { secret: newWebhookSecret() }],
      ['stale timestamp', { at: new Date(Date.now() - sixMinutes) }],
      ['future timestamp', { at: new Date(Date.now() + sixMinutes) }],
      ['no signature', { headers: { 'webhook-signature': undefined } }],
      ['no id', { headers: { 'webhook-id': undefined } }],
      ['no timestamp', { headers: { 'webhook-timestamp': undefined } }],
      ['a signature of another scheme', { headers: { 'webhook-signature': 'v1a,c2lnbmF0dXJl' } }],
    ];
    for (const [what, options] of refused) {
      const res = await send(sourceId, body, secret, options);
      assert.equal(res.status, 401, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.type, 'urn:orderly:problem:invalid-signature', what);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      assert.deepEqual(res.requests, { GetItemCommand: 1 }, `${what}: nothing read beyond the source`);
    }
    await assertUnchanged(t, order.id, { version: order.version, status: 'IN_FULFILMENT' });
    assert.equal((await eventsOf(t, order.id)).filter((e) => e.type === 'SHIPPED').length, 0);
  });

  it('answers an unknown, malformed, deleted or other-kind source exactly as a wrong signature', async () => {
    const t = await setUpTenant();
    const { sourceId, secret } = await partnerSource(t);
    const order = await orderIn(t, 'IN_FULFILMENT');
    const wrong = await send(sourceId, shipped(order.id), secret, { secret: newWebhookSecret() });
    const needsSource = await createSource(t.tenantId, { kind: 'needs' }, new Date());
    const gone = await partnerSource(t);
    await deleteSource(t.tenantId, gone.sourceId);
    const cases: [string, string, string][] = [
      ['unknown', '01J00000000000000000000000', secret],
      ['malformed', 'not-a-ulid', secret],
      ['a needs source, with its own secret', needsSource.source.id, needsSource.secret],
      ['deleted', gone.sourceId, gone.secret],
    ];
    for (const [what, id, key] of cases) {
      const res = await send(id, shipped(order.id), key);
      assert.equal(res.status, 401, what);
      assert.deepEqual(
        { ...res.body, requestId: undefined },
        { ...wrong.body, requestId: undefined },
        `${what}: the same answer`,
      );
    }
    await assertUnchanged(t, order.id, { version: order.version, status: 'IN_FULFILMENT' });
  });

  it('keeps to the source’s tenant and partner: another tenant’s or partner’s order is a 404, unchanged', async () => {
    const t = await setUpTenant();
    const other = await setUpTenant();
    const { sourceId, secret } = await partnerSource(t);
    const theirs = await orderIn(other, 'IN_FULFILMENT');
    const res = await send(sourceId, shipped(theirs.id), secret);
    assert.equal(res.status, 404, JSON.stringify(res.body));
    await assertUnchanged(other, theirs.id, theirs);

    // A source of another partner of the same tenant: the in-house order is not its to report on.
    const acme = await partnerSource(t, 'acme-logistics');
    const ours = await orderIn(t, 'IN_FULFILMENT');
    const notAcmes = await send(acme.sourceId, shipped(ours.id), acme.secret);
    assert.equal(notAcmes.status, 404, JSON.stringify(notAcmes.body));
    await assertUnchanged(t, ours.id, ours);
  });

  it('refuses a report in the wrong state with 409, and a message that is not a report with 400/415', async () => {
    const t = await setUpTenant();
    const { sourceId, secret } = await partnerSource(t);
    const reserved = await orderIn(t, 'STOCK_RESERVED');
    const early = await send(sourceId, shipped(reserved.id), secret);
    assert.equal(early.status, 409, JSON.stringify(early.body));
    await assertUnchanged(t, reserved.id, reserved);

    const fulfilling = await orderIn(t, 'IN_FULFILMENT');
    const notShipped = await send(sourceId, delivered(fulfilling.id), secret);
    assert.equal(notShipped.status, 409);
    const bad: [unknown, number, string][] = [
      ['{"type":', 400, 'body'],
      [{ ...shipped(fulfilling.id), type: 'fulfilment.lost' }, 400, 'body.type'],
      [{ ...shipped(fulfilling.id), data: { orderId: fulfilling.id } }, 400, 'body.data.carrier'],
      [{ type: 'need.submitted', timestamp: new Date().toISOString(), data: {} }, 400, 'body.type'],
    ];
    for (const [message, status, field] of bad) {
      const res = await send(sourceId, message, secret);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.ok(
        res.body.errors.some((e: { field: string }) => e.field === field || e.field.startsWith(`${field}.`)),
        `${field} in ${JSON.stringify(res.body.errors)}`,
      );
    }
    const text = await send(sourceId, shipped(fulfilling.id), secret, {
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(text.status, 415);
    await assertUnchanged(t, fulfilling.id, fulfilling);
  });

  it('records a fulfilment failure and fails the waiting task', async () => {
    const t = await setUpTenant();
    const { sourceId, secret } = await partnerSource(t);
    const order = await orderIn(t, 'IN_FULFILMENT');
    const message = failed(order.id);
    const res = await send(sourceId, message, secret);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { orderId: order.id, status: 'IN_FULFILMENT' });
    assert.equal((await getOrderRecord(t.tenantId, order.id)).fulfilmentFailure?.by, 'in-house');
    assert.ok(port.failures.some((f) => f.taskToken === `token-shipment-${order.id}`));
    const again = await send(sourceId, message, secret, { id: res.id });
    assert.equal(again.status, 200);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(
      (await eventsOf(t, order.id)).filter((e) => e.type === 'FULFILMENT_FAILURE_REPORTED').length,
      1,
    );
  });

  it('during a rotation accepts the old and the new secret; after the overlap only the new one', async () => {
    const t = await setUpTenant();
    const { sourceId, secret: oldSecret } = await partnerSource(t);
    const { secret: newSecret } = await rotateSourceSecret(t.tenantId, sourceId, new Date(), 3600);
    const [a, b] = [await orderIn(t, 'IN_FULFILMENT'), await orderIn(t, 'IN_FULFILMENT')];
    assert.equal((await send(sourceId, shipped(a.id), oldSecret)).status, 200);
    assert.equal((await send(sourceId, shipped(b.id), newSecret)).status, 200);

    // Rotated again without overlap: neither earlier secret is accepted any more.
    const { secret: latest } = await rotateSourceSecret(t.tenantId, sourceId, new Date(), 0);
    for (const stale of [oldSecret, newSecret])
      assert.equal((await send(sourceId, delivered(a.id), stale)).status, 401);
    assert.equal((await send(sourceId, delivered(a.id), latest)).status, 200);
  });
});
