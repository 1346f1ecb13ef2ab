import assert from 'node:assert/strict';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it, vi } from 'vitest';
import { functionName, functions } from '../../functions/manifest';
import type { Principal } from '../../functions/shared/auth/principal';
import { startEventBridgeEndpoint } from '../../local/eventbridge/endpoint';
import { createTestTables } from '../support/database';
import { fakeContext, invoke, principal } from '../support/invoke';
import { streamRecord } from '../support/stream-records';

/**
 * The events the real code writes, in every type the catalogue declares: orders driven through
 * each path of their life by the real domain functions and task handlers against DynamoDB Local
 * (Step Functions stood in for by the recording port, as in the other order tests). Their
 * timeline items, read back from the table, must each become a domain event whose data is exactly
 * what the code wrote; then the two stream consumers take them to the feed and to the bus.
 */
const tables = await createTestTables();
const bus = await startEventBridgeEndpoint({ functions, functionNameOf: functionName });
process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.url;
process.env.EVENT_BUS_NAME = bus.busName;
afterAll(async () => {
  await bus.close();
  await tables.drop();
});

const orders = await import('../support/orders');
const { createOrder } = await import('../../functions/orders/create-order');
const { approveOrder } = await import('../../functions/orders/approve-order');
const { rejectOrder } = await import('../../functions/orders/reject-order');
const { cancelOrder } = await import('../../functions/orders/cancel-order');
const { submitFeedback } = await import('../../functions/orders/submit-feedback');
const { reportDelivery, reportFulfilmentFailure, reportShipment } = await import(
  '../../functions/orders/fulfilment-reports'
);
const { TENANT_WIDE } = await import('../../functions/orders/partner-scope');
const { documentClient } = await import('../../functions/shared/db/client');
const { CATALOGUE, TIMELINE_TYPES } = await import('../../functions/events/catalogue');
const { toDomainEvent } = await import('../../functions/events/envelope');
const { handler: project } = await import('../../functions/events/project-feed');
const { handler: publish } = await import('../../functions/events/publish-events');
const { handler: list } = await import('../../functions/events/list');
const tasks = {
  advance: (await import('../../functions/workflow/advance-order')).handler,
  escalate: (await import('../../functions/workflow/escalate-approval')).handler,
  requestFulfilment: (await import('../../functions/workflow/request-fulfilment')).handler,
  close: (await import('../../functions/workflow/close-order')).handler,
  compensate: (await import('../../functions/workflow/compensate-order')).handler,
};

orders.recordWorkflow();
const DAY = 86_400_000;
let tokens = 0;
const task = (handler: (event: unknown, context: ReturnType<typeof fakeContext>) => unknown, event: object) =>
  handler(event, fakeContext());
const partner = orders.partner('in-house');

/** Every order the paths below create, per tenant, to read their timelines back. */
const created: { tenantId: string; orderId: string }[] = [];

async function lifecycle() {
  const t = await orders.setUpTenant();
  const alice: Principal = principal(t.tenantId, ['approver'], 'alice');
  const ada: Principal = principal(t.tenantId, ['admin'], 'ada');
  const ids = { tenantId: t.tenantId };
  const submit = async (quantity: number, extra: Record<string, string> = {}) => {
    const { order } = await createOrder(
      t.sales,
      { customerId: t.customerId, currency: t.currency, lines: [{ sku: 'WIDGET', quantity }], ...extra },
      new Date(),
    );
    created.push({ ...ids, orderId: order.id });
    return { ...ids, orderId: order.id };
  };
  const toShipped = async (order: { tenantId: string; orderId: string }) => {
    await task(tasks.advance, order); // auto-approved, stock reserved
    await task(tasks.requestFulfilment, { ...order, taskToken: `token-${tokens++}` });
    await reportShipment(
      t.tenantId,
      TENANT_WIDE,
      order.orderId,
      { carrier: 'DHL', trackingNumber: 'JD0001' },
      partner,
      new Date(),
    );
  };

  // Submitted, auto-approved, reserved, sent to the partner, shipped, delivered, rated, closed.
  const happy = await submit(2, { externalRef: 'ERP-1', promisedDeliveryDate: '2099-01-01' });
  await toShipped(happy);
  await reportDelivery(t.tenantId, TENANT_WIDE, happy.orderId, {}, partner, new Date());
  await submitFeedback(t.sales, happy.orderId, { rating: 5, comment: 'Quick' }, new Date());
  await task(tasks.close, happy);

  // 1,000.00: one approver. Approved by an admin past the credit guard (not needed: no limit).
  const approved = await submit(40);
  await task(tasks.advance, approved);
  await approveOrder(
    ada,
    approved.orderId,
    { comment: 'ok', creditOverride: { reason: 'known' } },
    new Date(),
  );

  const rejected = await submit(40);
  await task(tasks.advance, rejected);
  await rejectOrder(alice, rejected.orderId, 'Too much', new Date());

  const cancelled = await submit(1);
  await cancelOrder(t.sales, cancelled.orderId, 'Changed my mind', new Date());
  await task(tasks.compensate, cancelled);

  const failed = await submit(1);
  await task(tasks.advance, failed);
  await reportFulfilmentFailure(t.tenantId, TENANT_WIDE, failed.orderId, 'No packaging', partner, new Date());
  await task(tasks.compensate, failed);

  const stuck = await submit(1);
  await toShipped(stuck);
  await task(tasks.compensate, { ...stuck, state: { error: { Error: 'States.TaskFailed', Cause: '{}' } } });

  // Nobody decides: escalated twice, then expired and cancelled. The clock is held to step past each SLA.
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    const start = Date.now() - 10 * DAY;
    vi.setSystemTime(start);
    const expiring = await submit(40);
    await task(tasks.advance, expiring);
    for (let day = 1; day <= 3; day++) {
      vi.setSystemTime(start + day * (DAY + 60_000));
      await task(tasks.escalate, expiring);
    }
    await task(tasks.compensate, expiring);
  } finally {
    vi.useRealTimers();
  }

  // A credit limit the order would pass: the rules reject it.
  const limited = await orders.setUpTenant({ creditLimit: { amountMinor: 100, currency: 'EUR' } });
  const { order } = await createOrder(
    limited.sales,
    { customerId: limited.customerId, currency: 'EUR', lines: [{ sku: 'WIDGET', quantity: 2 }] },
    new Date(),
  );
  created.push({ tenantId: limited.tenantId, orderId: order.id });
  await task(tasks.advance, { tenantId: limited.tenantId, orderId: order.id });
}

async function timelineItems() {
  const items: Record<string, unknown>[] = [];
  for (const { tenantId, orderId } of created) {
    const result = await documentClient.send(
      new QueryCommand({
        TableName: tables.domain,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
        ExpressionAttributeValues: { ':pk': `T#${tenantId}#ORDER#${orderId}`, ':events': 'EVENT#' },
        ConsistentRead: true,
      }),
    );
    items.push(...(result.Items ?? []));
  }
  return items;
}

await lifecycle();
const items = await timelineItems();

describe('the events the code writes', () => {
  it('cover every type of the catalogue', () => {
    assert.deepEqual([...new Set(items.map((item) => item.type))].sort(), [...TIMELINE_TYPES].sort());
  });

  it('cancellations by compensation are the workflow’s own, whoever asked for them', () => {
    const cancellations = items.filter((item) => item.type === 'ORDER_CANCELLED');
    // The user's cancel, the partner's failure, the expired approval.
    assert.equal(cancellations.length, 3);
    for (const item of cancellations) assert.deepEqual(item.actor, { type: 'system', id: 'workflow' });
  });

  it('each become a domain event whose data is exactly the timeline event: nothing undeclared is dropped', () => {
    for (const item of items) {
      const event = toDomainEvent(item);
      const { orderId, seq, status, actor, details } = item as Record<string, Record<string, unknown>>;
      assert.equal(event.type, CATALOGUE[item.type as keyof typeof CATALOGUE].type);
      assert.deepEqual(event.data, { ...details, orderId, seq, status, actor }, `${item.type}`);
    }
    const granted = items.find((item) => item.type === 'APPROVAL_GRANTED');
    const override = toDomainEvent(granted ?? {}).data.creditOverride as { needed: boolean; reason: string };
    assert.deepEqual(
      [override.needed, override.reason],
      [false, 'known'],
      'an override is part of the event',
    );
  });

  it('reach the feed and the bus through their stream consumers, in commit order per order', async () => {
    // One shard per order, as the stream keys shards by partition: each order's events in order.
    for (const { tenantId, orderId } of created) {
      const records = items
        .filter((item) => item.tenantId === tenantId && item.orderId === orderId)
        .map((item) => streamRecord(item));
      const event = { Records: records };
      assert.deepEqual(await project(event, fakeContext()), { batchItemFailures: [] });
      assert.deepEqual(await publish(event, fakeContext()), { batchItemFailures: [] });
    }
    const published = bus.events().map((e) => e.detail);
    assert.deepEqual(
      published.map((e) => e.id),
      items.map((item) => toDomainEvent(item).id),
    );
    assert.ok(!JSON.stringify(published).includes('token-'), 'no task token on the bus');

    process.env.EVENT_FEED_SETTLE_SECONDS = '0';
    const tenantId = created[0]?.tenantId as string;
    const res = await invoke(list, {
      routeKey: 'GET /v1/events',
      query: { limit: '100' },
      principal: principal(tenantId, ['admin']),
    });
    delete process.env.EVENT_FEED_SETTLE_SECONDS;
    const ofTenant = items.filter((item) => item.tenantId === tenantId);
    assert.equal(res.body.items.length, ofTenant.length);
    for (const { orderId } of created.filter((c) => c.tenantId === tenantId)) {
      const seqs = res.body.items
        .filter((e: { subject: string }) => e.subject === `orders/${orderId}`)
        .map((e: { data: { seq: number } }) => e.data.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        orderId,
      );
    }
  });
});
