import assert from 'node:assert/strict';
import type { GetItemCommandInput } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { functionName, functions } from '../../functions/manifest';
import { newLocalSecretKey, SECRET_KEY_ENV } from '../../functions/shared/secrets/sealed-secret';
import type { DeliverySettings } from '../../functions/webhooks/delivery/config';
import { ALLOW_PRIVATE_WEBHOOK_URLS_ENV } from '../../functions/webhooks/url-policy';
import { startEventBridgeEndpoint } from '../../local/eventbridge/endpoint';
import { createTestTables } from '../support/database';
import { streamRecord } from '../support/stream-records';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/**
 * A webhook endpoint bound to a fulfilment partner gets the events of the orders assigned to that
 * partner and of no others; the tenant's unbound endpoints get every event. Orders reach
 * IN_FULFILMENT through the real tasks (assigned to `in-house`, the tenant having no routing), and
 * their timelines, as committed, go through the fan-out against DynamoDB Local and real receivers.
 */
const tables = await createTestTables();
process.env[SECRET_KEY_ENV] = newLocalSecretKey();
process.env[ALLOW_PRIVATE_WEBHOOK_URLS_ENV] = 'true';
const bus = await startEventBridgeEndpoint({ functions, functionNameOf: functionName });
process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.url;
process.env.EVENT_BUS_NAME = bus.busName;
const orders = await import('../support/orders');
orders.recordWorkflow();
const { fanOut } = await import('../../functions/webhooks/delivery/fan-out');
const { createEndpoint } = await import('../../functions/webhooks/endpoints/store');
const { documentClient, dynamodb } = await import('../../functions/shared/db/client');
const { orderKey } = await import('../../functions/orders/keys');
const receivers: WebhookReceiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await bus.close();
  await tables.drop();
});

/** Retries and budgets no load reaches: what is counted is what was sent, never the machine's speed. */
const settings: DeliverySettings = {
  timeoutMs: 60_000,
  retryDelaysSeconds: [0, 0.2],
  disableAfterMs: 5 * 86_400_000,
  inlineBudgetMs: 120_000,
};

async function endpoint(tenantId: string, partnerId?: string) {
  const target = await startWebhookReceiver();
  receivers.push(target);
  const { secret } = await createEndpoint(
    tenantId,
    { url: target.url, eventTypes: ['order.*'], enabled: true, ...(partnerId ? { partnerId } : {}) },
    new Date(),
  );
  target.setSecret(secret);
  return target;
}

/** The order's timeline items as committed, oldest first. */
async function timeline(tenantId: string, orderId: string) {
  const { Items } = await documentClient.send(
    new QueryCommand({
      TableName: tables.domain,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':pk': `T#${tenantId}#ORDER#${orderId}`, ':e': 'EVENT#' },
    }),
  );
  return (Items ?? []) as Record<string, unknown>[];
}

/** The types of what a receiver acknowledged, in order. */
const typesOf = (target: WebhookReceiver) =>
  target.received.map((r) => (JSON.parse(r.body) as { type: string }).type);

describe('webhooks bound to a fulfilment partner', () => {
  it('get the events of their partner’s orders only; unbound endpoints get every event', async () => {
    const t = await orders.setUpTenant();
    const everything = await endpoint(t.tenantId);
    const mine = await endpoint(t.tenantId, 'in-house');
    const theirs = await endpoint(t.tenantId, 'other-partner');

    const assigned = await orders.orderIn(t, 'IN_FULFILMENT');
    const items = await timeline(t.tenantId, assigned.id);
    const types = items.map((item) => item.type);
    assert.ok(types.includes('FULFILMENT_REQUESTED'), types.join());
    assert.deepEqual(
      await fanOut(
        items.map((item) => streamRecord(item)),
        settings,
      ),
      {},
    );
    const sent = typesOf(everything);
    assert.equal(sent.length, items.length);
    assert.ok(sent.includes('order.fulfilment_requested'));
    // The partner's endpoint: every event of the order assigned to it (the partner read from the
    // event when it says, else from the order).
    assert.deepEqual(typesOf(mine), sent);
    assert.deepEqual(theirs.received, []);

    // An order no partner was asked to ship: the unbound endpoint only.
    const unassigned = await orders.orderIn(t, 'STOCK_RESERVED');
    const more = await timeline(t.tenantId, unassigned.id);
    assert.deepEqual(
      await fanOut(
        more.map((item) => streamRecord(item)),
        settings,
      ),
      {},
    );
    assert.equal(everything.received.length, items.length + more.length);
    assert.equal(mine.received.length, items.length);
    assert.deepEqual(theirs.received, []);
  });

  it('read no order when no endpoint of the tenant is bound to a partner', async () => {
    const t = await orders.setUpTenant();
    const everything = await endpoint(t.tenantId);
    const order = await orders.orderIn(t, 'STOCK_RESERVED');
    const items = await timeline(t.tenantId, order.id);
    const read: string[] = [];
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetItemCommand') {
          const key = (args.input as GetItemCommandInput).Key ?? {};
          read.push(`${key.pk?.S} ${key.sk?.S}`);
        }
        return next(args);
      },
      { step: 'build', name: 'record-gets' },
    );
    try {
      assert.deepEqual(
        await fanOut(
          items.map((item) => streamRecord(item)),
          settings,
        ),
        {},
      );
    } finally {
      dynamodb.middlewareStack.remove('record-gets');
    }
    assert.equal(everything.received.length, items.length);
    const { pk, sk } = orderKey(t.tenantId, order.id);
    assert.ok(read.length > 0 && read.every((key) => key.startsWith(`T#${t.tenantId}#`)), read.join('\n'));
    assert.ok(!read.includes(`${pk} ${sk}`), read.join('\n'));
  });
});
