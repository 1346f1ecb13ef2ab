import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, it } from 'vitest';
import { toDomainEvent } from '../../functions/events/envelope';
import { functionName, functions } from '../../functions/manifest';
import { newId } from '../../functions/shared/ids';
import { newLocalSecretKey, SECRET_KEY_ENV } from '../../functions/shared/secrets/sealed-secret';
import { type DeliverySettings, INLINE_BUDGET_ENV } from '../../functions/webhooks/delivery/config';
import { ALLOW_PRIVATE_WEBHOOK_URLS_ENV } from '../../functions/webhooks/url-policy';
import { startEventBridgeEndpoint } from '../../local/eventbridge/endpoint';
import { createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';
import { streamRecord, timelineItem } from '../support/stream-records';
import { startWebhookReceiver, type WebhookReceiver, waitUntil } from '../support/webhook-receiver';

/**
 * The delivery engine against DynamoDB Local and real HTTP receivers on 127.0.0.1: the fan-out and
 * the sweeper called as their handlers call them (with short retry delays), the deliveries API
 * through its handlers. What is sent verifies with the reference `standardwebhooks` package.
 */
const tables = await createTestTables();
process.env[SECRET_KEY_ENV] = newLocalSecretKey();
process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] = 'true';
// The handlers (a redelivery's attempt) read their settings here: a budget no load can exhaust, so
// that what the tests count is the receiver's answers, never the machine's speed.
process.env[INLINE_BUDGET_ENV] = '120000';
const bus = await startEventBridgeEndpoint({ functions, functionNameOf: functionName });
process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.url;
process.env.EVENT_BUS_NAME = bus.busName;
const { fanOut } = await import('../../functions/webhooks/delivery/fan-out');
const { sweep } = await import('../../functions/webhooks/delivery/sweep');
const { getDelivery } = await import('../../functions/webhooks/delivery/queue');
const { deliveryIdOf } = await import('../../functions/webhooks/delivery/keys');
const { createEndpoint, getEndpointRecord, rotateEndpointSecret, endpointKey } = await import(
  '../../functions/webhooks/endpoints/store'
);
const { documentClient } = await import('../../functions/shared/db/client');
const api = {
  list: (await import('../../functions/webhooks/deliveries/list')).handler,
  get: (await import('../../functions/webhooks/deliveries/get')).handler,
  redeliver: (await import('../../functions/webhooks/deliveries/redeliver')).handler,
};
const receivers: WebhookReceiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await bus.close();
  await tables.drop();
});

/**
 * Delivery settings for a test: retries 0.2 s apart, and a request timeout and inline budget no
 * load reaches (a fan-out on a saturated machine once took more than 5 s for three events). A
 * test of the timeout or the budget sets its own.
 */
const settings = (overrides: Partial<DeliverySettings> = {}): DeliverySettings => ({
  timeoutMs: 60_000,
  retryDelaysSeconds: [0, 0.2, 0.2, 0.2, 0.2, 0.2],
  disableAfterMs: 5 * 86_400_000,
  inlineBudgetMs: 120_000,
  ...overrides,
});
/** Sweeps until nothing is due within a few seconds (retries are 0.2 s apart here). */
const sweepAll = (s = settings()) => sweep({ windowSeconds: 30, pollSeconds: 0.1 }, new Date(), s);

async function receiver(answer?: Parameters<typeof startWebhookReceiver>[1]) {
  const started = await startWebhookReceiver(undefined, answer);
  receivers.push(started);
  return started;
}

async function endpointFor(tenantId: string, target: WebhookReceiver, eventTypes = ['order.*']) {
  const { record, secret } = await createEndpoint(
    tenantId,
    { url: target.url, eventTypes, enabled: true },
    new Date(),
  );
  target.setSecret(secret);
  return { id: record.id, secret };
}

/** `perOrder` timeline events of each of `orders` new orders, as stream records in commit order. */
function events(tenantId: string, orders: number, perOrder: number) {
  const orderIds = Array.from({ length: orders }, () => newId());
  const items = orderIds.flatMap((orderId) =>
    Array.from({ length: perOrder }, (_, i) =>
      timelineItem(tenantId, orderId, i + 1, new Date(Date.now() - 60_000 + i)),
    ),
  );
  return { orderIds, items, ids: items.map((item) => toDomainEvent(item).id) };
}

const records = (items: Record<string, unknown>[]) => items.map((item) => streamRecord(item));
const unique = (ids: string[]) => [...new Set(ids)];

describe('webhook delivery', () => {
  it('sends each event once per subscribed endpoint, signed as the reference package verifies, body as documented', async () => {
    const tenantId = uniqueTenant('wh');
    const target = await receiver();
    const other = await receiver();
    const { id: endpointId } = await endpointFor(tenantId, target);
    await endpointFor(tenantId, other, ['order.delivered']);
    const { items, ids } = events(tenantId, 1, 3);
    assert.deepEqual(await fanOut(records(items), settings()), {});
    assert.deepEqual(target.acknowledged(), ids);
    assert.ok(target.received.every((r) => r.verified));
    const [first] = target.received;
    const event = toDomainEvent(items[0] as Record<string, unknown>);
    assert.equal(
      first?.body,
      JSON.stringify({
        id: event.id,
        type: 'order.submitted',
        timestamp: event.time,
        subject: event.subject,
        data: event.data,
      }),
    );
    assert.equal(first?.headers['content-type'], 'application/json');
    assert.equal(first?.headers['user-agent'], 'Orderly-Webhooks/1');
    // The other endpoint subscribes to deliveries only: none of these.
    assert.deepEqual(other.received, []);
    const delivery = await getDelivery(tenantId, deliveryIdOf(endpointId, ids[0] as string));
    assert.equal(delivery?.status, 'succeeded');
    assert.equal(delivery?.attempts[0]?.statusCode, 200);
    assert.equal(delivery?.attempts[0]?.responseBody, 'answered 200');

    // The same records again (the stream delivers at least once): nothing queued, nothing sent.
    assert.deepEqual(await fanOut(records(items), settings()), {});
    assert.equal(target.received.length, 3);
  });

  it('a receiver down for its first 3 attempts gets every event afterwards, once each, each order in sequence', async () => {
    const tenantId = uniqueTenant('wh');
    const target = await receiver(({ index }) => (index < 3 ? 503 : 200));
    const { id: endpointId } = await endpointFor(tenantId, target);
    const { orderIds, items, ids } = events(tenantId, 2, 3);
    await fanOut(records(items), settings());
    await waitUntil(async () => {
      await sweepAll();
      return unique(target.acknowledged()).length === ids.length;
    }, 'every event is acknowledged');
    assert.deepEqual(
      target.received.slice(0, 3).map((r) => r.status),
      [503, 503, 503],
    );
    assert.deepEqual(unique(target.acknowledged()).sort(), [...ids].sort());
    assert.equal(target.acknowledged().length, ids.length, 'no event acknowledged twice');
    // Per order, nothing overtook an earlier event: a later one is first sent after the earlier was acknowledged.
    for (const orderId of orderIds) {
      const sent = target.received.filter((r) => r.id.startsWith(orderId));
      const firstSeen = unique(sent.map((r) => r.id));
      assert.deepEqual(firstSeen, [...firstSeen].sort());
      for (const [i, id] of firstSeen.entries()) {
        if (i === 0) continue;
        const firstOfThis = sent.findIndex((r) => r.id === id);
        const ackOfPrevious = sent.findIndex((r) => r.id === firstSeen[i - 1] && r.status === 200);
        assert.ok(ackOfPrevious >= 0 && ackOfPrevious < firstOfThis, `${id} waited for its predecessor`);
      }
    }
    // The same webhook-id on every attempt; the failures are logged with their status.
    const retried = target.received[0]?.id as string;
    const delivery = await getDelivery(tenantId, deliveryIdOf(endpointId, retried));
    assert.equal(delivery?.status, 'succeeded');
    assert.ok((delivery?.attemptCount ?? 0) >= 2);
    assert.equal(delivery?.attempts[0]?.statusCode, 503);
    // The endpoint's failing streak ended with the successes.
    assert.equal((await getEndpointRecord(tenantId, endpointId))?.failingSince, undefined);
  });

  it('after the last attempt the delivery has failed; the attempts say why', async () => {
    const tenantId = uniqueTenant('wh');
    const target = await receiver(() => 500);
    const { id: endpointId } = await endpointFor(tenantId, target);
    const { items, ids } = events(tenantId, 1, 1);
    const short = settings({ retryDelaysSeconds: [0, 0.1, 0.1] });
    await fanOut(records(items), short);
    const id = deliveryIdOf(endpointId, ids[0] as string);
    await waitUntil(async () => {
      await sweepAll(short);
      return (await getDelivery(tenantId, id))?.status === 'failed';
    }, 'the delivery fails');
    const delivery = await getDelivery(tenantId, id);
    assert.equal(delivery?.attemptCount, 3);
    assert.deepEqual(
      delivery?.attempts.map((a) => a.statusCode),
      [500, 500, 500],
    );
    assert.equal(target.received.length, 3);
    assert.ok((await getEndpointRecord(tenantId, endpointId))?.failingSince, 'the endpoint is failing');
  });

  it('during a rotation overlap a receiver with only the old secret and one with only the new both verify', async () => {
    const tenantId = uniqueTenant('wh');
    const target = await receiver();
    const { id: endpointId, secret: oldSecret } = await endpointFor(tenantId, target);
    const { secret: newSecret } = await rotateEndpointSecret(tenantId, endpointId, new Date(), 3600);
    const { items } = events(tenantId, 1, 1);
    await fanOut(records(items), settings());
    const [sent] = target.received;
    assert.ok(sent);
    assert.doesNotThrow(() => new Webhook(oldSecret).verify(sent.body, sent.headers));
    assert.doesNotThrow(() => new Webhook(newSecret).verify(sent.body, sent.headers));
    assert.equal(sent.headers['webhook-signature']?.split(' ').length, 2);
  });

  it('410 Gone disables the endpoint, fails what is queued for it, and tells the endpoints subscribed to it', async () => {
    const tenantId = uniqueTenant('wh');
    const gone = await receiver(() => 410);
    const watcher = await receiver();
    const { id: goneId } = await endpointFor(tenantId, gone);
    await endpointFor(tenantId, watcher, ['webhook.endpoint_disabled']);
    const from = bus.events().length;
    const { items, ids } = events(tenantId, 1, 2);
    await fanOut(records(items), settings());
    await sweepAll();
    assert.equal(gone.received.length, 1, 'the second event is never sent');
    const endpoint = await getEndpointRecord(tenantId, goneId);
    assert.equal(endpoint?.enabled, false);
    assert.equal(endpoint?.disabledReason, 'gone');
    assert.equal((await getDelivery(tenantId, deliveryIdOf(goneId, ids[0] as string)))?.status, 'failed');
    const second = await getDelivery(tenantId, deliveryIdOf(goneId, ids[1] as string));
    assert.equal(second?.status, 'failed');
    assert.equal(second?.attempts[0]?.error, 'endpoint disabled');
    await waitUntil(() => watcher.acknowledged().length === 1, 'the watcher hears of it');
    const notice = JSON.parse(watcher.received[0]?.body ?? '{}');
    assert.equal(notice.type, 'webhook.endpoint_disabled');
    assert.equal(notice.data.endpointId, goneId);
    assert.equal(notice.data.reason, 'gone');
    assert.equal(watcher.received[0]?.id, notice.id);
    const published = bus
      .events()
      .slice(from)
      .filter((e) => e.detailType === 'orderly.webhook.endpoint_disabled');
    assert.equal(published.length, 1);
    const detail = published[0]?.detail as { data?: { endpointId?: string } } | undefined;
    assert.equal(detail?.data?.endpointId, goneId);
  });

  it('an endpoint failing for days is disabled as failing', async () => {
    const tenantId = uniqueTenant('wh');
    const target = await receiver(() => 500);
    const { id: endpointId } = await endpointFor(tenantId, target);
    await documentClient.send(
      new UpdateCommand({
        TableName: tables.domain,
        Key: endpointKey(tenantId, endpointId),
        UpdateExpression: 'SET failingSince = :then',
        ExpressionAttributeValues: { ':then': new Date(Date.now() - 6 * 86_400_000).toISOString() },
      }),
    );
    const { items, ids } = events(tenantId, 1, 1);
    await fanOut(records(items), settings());
    await sweepAll();
    const endpoint = await getEndpointRecord(tenantId, endpointId);
    assert.equal(endpoint?.enabled, false);
    assert.equal(endpoint?.disabledReason, 'failing');
    assert.equal((await getDelivery(tenantId, deliveryIdOf(endpointId, ids[0] as string)))?.status, 'failed');
  });

  it('an endpoint that hangs does not delay a healthy one', async () => {
    const tenantId = uniqueTenant('wh');
    const hung = await receiver(() => 'hang');
    const healthy = await receiver();
    await endpointFor(tenantId, hung);
    await endpointFor(tenantId, healthy);
    const { items, ids } = events(tenantId, 5, 1);
    // Long budget and timeout: the hung request stays open until released, whatever the machine's load.
    const patient = settings({ timeoutMs: 300_000, inlineBudgetMs: 300_000 });
    const fanning = fanOut(records(items), patient);
    await waitUntil(
      () => healthy.acknowledged().length === ids.length,
      'the healthy endpoint has every event',
    );
    assert.deepEqual([...healthy.acknowledged()].sort(), [...ids].sort());
    assert.ok(hung.received[0]?.open, 'the hung endpoint’s first request is still open');
    hung.release();
    assert.deepEqual(await fanning, {});
  });

  it('an attempt cut off by the inline budget takes no turn of the schedule and starts no failing streak', async () => {
    const tenantId = uniqueTenant('wh');
    // A request of the inline attempt is never answered; the inline budget (300 ms) cuts the
    // attempt off, not the timeout. The sweeper's request is answered.
    let inline = true;
    const target = await receiver(() => (inline ? 'hang' : 200));
    const { id: endpointId } = await endpointFor(tenantId, target);
    const { items, ids } = events(tenantId, 1, 1);
    const budgeted = settings({ inlineBudgetMs: 300, timeoutMs: 5000, retryDelaysSeconds: [0, 300] });
    assert.deepEqual(await fanOut(records(items), budgeted), {});
    inline = false;
    const deliveryId = deliveryIdOf(endpointId, ids[0] as string);
    const cut = await getDelivery(tenantId, deliveryId);
    assert.equal(cut?.status, 'pending');
    assert.deepEqual(
      cut?.attempts.map((a) => a.error),
      ['timeout: left to the sweeper'],
    );
    assert.equal(cut?.attemptCount, 1);
    assert.equal(cut?.roundAttempts, 0);
    assert.ok((cut?.nextAttemptAt ?? '') <= new Date().toISOString(), 'due again at once');
    assert.equal((await getEndpointRecord(tenantId, endpointId))?.failingSince, undefined);
    // The sweeper sends it again at once (the 300 s second turn of the schedule is not used up).
    // The sweeper has no inline budget; its request gets a timeout no load reaches (not the 5 s
    // of the fan-out above), so that only the schedule decides whether the retry happens now.
    await sweepAll({ ...budgeted, timeoutMs: 60_000 });
    const landed = await getDelivery(tenantId, deliveryId);
    assert.equal(landed?.status, 'succeeded', JSON.stringify(landed?.attempts));
    // The sweeper's request came with the same webhook-id as the cut one. (The cut one reached
    // the receiver unless the budget ran out before it was sent, as on a saturated machine.)
    const received = target.received.map((r) => r.id);
    assert.equal(received.at(-1), ids[0]);
    assert.deepEqual(new Set(received), new Set([ids[0]]));
    assert.ok(received.length <= 2, `${received.length} requests`);
  });

  it('in AWS mode an endpoint whose host resolves to a loopback address is never connected to', async () => {
    const tenantId = uniqueTenant('wh');
    let connections = 0;
    const listener = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    const target = await receiver();
    const { id: endpointId } = await endpointFor(tenantId, target);
    // DNS rebinding stand-in: the stored URL now names a host that resolves to loopback.
    await documentClient.send(
      new UpdateCommand({
        TableName: tables.domain,
        Key: endpointKey(tenantId, endpointId),
        UpdateExpression: 'SET #url = :url',
        ExpressionAttributeNames: { '#url': 'url' },
        ExpressionAttributeValues: { ':url': `https://localhost:${port}/hooks` },
      }),
    );
    process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] = 'false';
    try {
      const { items, ids } = events(tenantId, 1, 1);
      await fanOut(records(items), settings());
      const delivery = await getDelivery(tenantId, deliveryIdOf(endpointId, ids[0] as string));
      assert.equal(delivery?.status, 'pending');
      assert.match(
        delivery?.attempts[0]?.error ?? '',
        /^refused: localhost resolves to .*not a public address/,
      );
      assert.equal(connections, 0);
    } finally {
      process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] = 'true';
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('the deliveries API lists, shows and redelivers with the same webhook-id; tenants are apart', async () => {
    const tenantId = uniqueTenant('wh');
    const admin = principal(tenantId);
    // The first delivery fails (500) and is redelivered: that attempt fails too, the next one lands.
    const target = await receiver(({ index }) => (index === 1 || index === 2 ? 500 : 200));
    const { id: endpointId } = await endpointFor(tenantId, target);
    const { items, ids } = events(tenantId, 2, 1);
    await fanOut(records(items), settings({ retryDelaysSeconds: [0] }));
    const list = (query: Record<string, string>) =>
      invoke(api.list, { routeKey: 'GET /v1/webhooks/deliveries', query, principal: admin });
    const all = await list({ endpointId });
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.items.map((d: { webhookId: string }) => d.webhookId).sort(), [...ids].sort());
    const failed = await list({ endpointId, status: 'failed' });
    assert.equal(failed.body.items.length, 1);
    const failedId = failed.body.items[0].id as string;
    assert.equal(failed.body.items[0].attempts[0].statusCode, 500);
    const paged = await list({ endpointId, limit: '1' });
    assert.equal(paged.body.items.length, 1);
    const rest = await list({ endpointId, limit: '1', cursor: paged.body.nextCursor });
    assert.notEqual(rest.body.items[0].id, paged.body.items[0].id);

    const path = (id: string) => ({ deliveryId: id });
    const got = await invoke(api.get, {
      routeKey: 'GET /v1/webhooks/deliveries/{deliveryId}',
      pathParameters: path(failedId),
      principal: admin,
    });
    assert.equal(got.status, 200);
    assert.equal(got.body.status, 'failed');
    const stranger = await invoke(api.get, {
      routeKey: 'GET /v1/webhooks/deliveries/{deliveryId}',
      pathParameters: path(failedId),
      principal: principal(uniqueTenant('other')),
    });
    assert.equal(stranger.status, 404);

    const redeliver = () =>
      invoke(api.redeliver, {
        routeKey: 'POST /v1/webhooks/deliveries/{deliveryId}/redeliver',
        pathParameters: path(failedId),
        principal: admin,
      });
    // Attempted at once: answered 500 again, so it waits for its retry (5 s, the default schedule).
    const queued = await redeliver();
    assert.equal(queued.status, 202);
    assert.equal(queued.body.status, 'pending');
    assert.equal(queued.body.attemptCount, 2);
    assert.equal((await redeliver()).status, 409);
    await sweepAll();
    const after = await getDelivery(tenantId, failedId);
    assert.equal(after?.status, 'succeeded');
    assert.equal(after?.attemptCount, 3);
    const webhookId = after?.webhookId as string;
    assert.deepEqual(
      target.received.filter((r) => r.id === webhookId).map((r) => r.status),
      [500, 500, 200],
    );
    // A succeeded delivery may be sent again: at once, answered 200, the same webhook-id.
    const again = await redeliver();
    assert.equal(again.status, 202);
    assert.equal(again.body.status, 'succeeded');
    assert.equal(target.received.filter((r) => r.id === webhookId).length, 4);
  });

  it('passes over stream records that are no domain event and sends the events after them', async () => {
    const tenantId = uniqueTenant('wh');
    const target = await receiver();
    await endpointFor(tenantId, target);
    const { items, ids } = events(tenantId, 1, 1);
    const event = items[0] as Record<string, unknown>;
    // An event item changed (not an insert), then another entity inserted: neither is sent.
    const batch = [
      streamRecord(event, 'MODIFY'),
      streamRecord({ pk: event.pk, sk: 'ORDER', entity: 'ORDER', tenantId }),
      streamRecord(event),
    ];
    assert.deepEqual(await fanOut(batch, settings()), {});
    assert.deepEqual(target.acknowledged(), ids);
  });
});
