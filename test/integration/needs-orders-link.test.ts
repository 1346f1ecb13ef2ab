import assert from 'node:assert/strict';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, describe, it } from 'vitest';
import { streamFunctions } from '../../functions/manifest';
import type { Principal } from '../../functions/shared/auth/principal';
import { matchesAnyFilter } from '../../local/streams/filter';
import { createTestTables } from '../support/database';
import { fakeContext, principal } from '../support/invoke';
import { streamRecord } from '../support/stream-records';

/**
 * Needs ↔ orders on DynamoDB Local: orders that name needs are driven through their life by the
 * real order functions and workflow tasks (Step Functions stood in for by the recording port, as
 * in the other order tests); their timeline items, read back from the table, go through the
 * manifest's filter to the `linkNeedsToOrders` consumer as Lambda's stream records. A whole
 * stream delivered twice must change nothing the second time.
 */
const tables = await createTestTables();
afterAll(() => tables.drop());

const orders = await import('../support/orders');
const { createOrder } = await import('../../functions/orders/create-order');
const { rejectOrder } = await import('../../functions/orders/reject-order');
const { submitFeedback } = await import('../../functions/orders/submit-feedback');
const { reportDelivery, reportShipment } = await import('../../functions/orders/fulfilment-reports');
const { TENANT_WIDE } = await import('../../functions/orders/partner-scope');
const { orderKey } = await import('../../functions/orders/keys');
const { getOrderRecord } = await import('../../functions/orders/store');
const { documentClient } = await import('../../functions/shared/db/client');
const { newId } = await import('../../functions/shared/ids');
const { createNeed } = await import('../../functions/needs/create-need');
const { updateNeed } = await import('../../functions/needs/update-need');
const { getNeed, listHistory } = await import('../../functions/needs/store');
const { NeedCreate } = await import('../../functions/needs/schemas');
const { handler: link } = await import('../../functions/needs/link-needs-to-orders');
const tasks = {
  advance: (await import('../../functions/workflow/advance-order')).handler,
  requestFulfilment: (await import('../../functions/workflow/request-fulfilment')).handler,
  close: (await import('../../functions/workflow/close-order')).handler,
};

orders.recordWorkflow();
const task = (handler: (event: unknown, context: ReturnType<typeof fakeContext>) => unknown, event: object) =>
  handler(event, fakeContext());
const partner = orders.partner('in-house');
const consumer = streamFunctions.find((fn) => fn.name === 'linkNeedsToOrders');
assert.ok(consumer, 'linkNeedsToOrders is in the manifest');

async function tenant() {
  const t = await orders.setUpTenant();
  const sam: Principal = principal(t.tenantId, ['sales'], 'sam');
  const need = async (extra: Record<string, unknown> = {}) =>
    createNeed(
      sam,
      NeedCreate.parse({ customerId: t.customerId, channel: 'call', title: 'Wants widgets', ...extra }),
      new Date(),
    );
  const order = async (needIds: string[], quantity = 2) =>
    (
      await createOrder(
        t.sales,
        { customerId: t.customerId, currency: 'EUR', lines: [{ sku: 'WIDGET', quantity }], needIds },
        new Date(),
      )
    ).order;
  return { ...t, sam, need, order };
}

/** Auto-approved, reserved, shipped, delivered (and closed unless told not to), as the workflow does. */
async function fulfil(t: { tenantId: string; sales: Principal }, orderId: string, close = true) {
  const ids = { tenantId: t.tenantId, orderId };
  await task(tasks.advance, ids);
  await task(tasks.requestFulfilment, { ...ids, taskToken: `token-${orderId}` });
  await reportShipment(
    t.tenantId,
    TENANT_WIDE,
    orderId,
    { carrier: 'DHL', trackingNumber: 'JD1' },
    partner,
    new Date(),
  );
  await reportDelivery(t.tenantId, TENANT_WIDE, orderId, {}, partner, new Date());
  if (close) await task(tasks.close, ids);
}

/** The order's timeline as the stream carries it, filtered by the consumer's manifest patterns. */
async function recordsOf(tenantId: string, orderId: string): Promise<DynamoDBRecord[]> {
  const { Items } = await documentClient.send(
    new QueryCommand({
      TableName: tables.domain,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
      ExpressionAttributeValues: { ':pk': `T#${tenantId}#ORDER#${orderId}`, ':events': 'EVENT#' },
      ConsistentRead: true,
    }),
  );
  return (Items ?? [])
    .map((item) => streamRecord(item))
    .filter((record) => matchesAnyFilter(consumer?.source.filters ?? [], record));
}

async function deliver(records: DynamoDBRecord[]) {
  assert.deepEqual(await link({ Records: records }, fakeContext()), { batchItemFailures: [] });
}

const statusSteps = async (tenantId: string, needId: string) =>
  (await listHistory(tenantId, needId, 100, undefined)).items.map((r) => [r.from, r.to, r.actor.type]);

describe('linkNeedsToOrders', () => {
  it('links, moves to IN_PROGRESS on submission and fulfils with the evaluation and feedback on closing; once', async () => {
    const t = await tenant();
    const a = await t.need();
    const b = await t.need({ status: 'QUALIFIED' });
    const order = await t.order([a.id, b.id]);

    const submitted = await recordsOf(t.tenantId, order.id);
    assert.deepEqual(
      submitted.map((r) => r.dynamodb?.NewImage?.type?.S),
      ['ORDER_SUBMITTED'],
    );
    await deliver(submitted);
    const working = await getNeed(t.tenantId, a.id);
    assert.equal(working.status, 'IN_PROGRESS');
    assert.deepEqual(working.orderIds, [order.id]);
    assert.equal((await getNeed(t.tenantId, b.id)).status, 'IN_PROGRESS');
    const moved = (await listHistory(t.tenantId, a.id, 100, undefined)).items.at(-1);
    assert.deepEqual(moved?.actor, { type: 'system', id: 'linkNeedsToOrders' });
    assert.equal(moved?.orderId, order.id);
    assert.match(moved?.reason ?? '', new RegExp(order.number));

    await fulfil(t, order.id);
    await submitFeedback(t.sales, order.id, { rating: 4, comment: 'Good' }, new Date());
    const all = await recordsOf(t.tenantId, order.id);
    assert.deepEqual(
      all.map((r) => r.dynamodb?.NewImage?.type?.S),
      ['ORDER_SUBMITTED', 'ORDER_CLOSED', 'FEEDBACK_RECEIVED'],
      'the filter passes exactly the events that can change a need',
    );
    // The stream from the start (its first record a redelivery), then all of it once more.
    await deliver(all);
    const closed = await getOrderRecord(t.tenantId, order.id);
    const done = await getNeed(t.tenantId, a.id);
    assert.equal(done.status, 'FULFILLED');
    assert.deepEqual(done.fulfilment, {
      orderId: order.id,
      orderNumber: order.number,
      evaluation: closed.evaluation,
      feedback: { rating: 4, comment: 'Good', at: closed.feedback?.at },
      fulfilledAt: done.statusChangedAt,
    });
    const version = done.version;
    await deliver(await recordsOf(t.tenantId, order.id));
    assert.equal((await getNeed(t.tenantId, a.id)).version, version, 'a redelivered stream changes nothing');
    assert.deepEqual(await statusSteps(t.tenantId, a.id), [
      [undefined, 'NEW', 'user'],
      ['NEW', 'IN_PROGRESS', 'system'],
      ['IN_PROGRESS', 'FULFILLED', 'system'],
    ]);
  });

  it('leaves what a person decided: DECLINED and FULFILLED stay, autoFulfil: false is never fulfilled', async () => {
    const t = await tenant();
    const declined = await t.need();
    await updateNeed(t.sam, declined.id, 1, { status: 'DECLINED', statusReason: 'Out of range' }, new Date());
    const byHand = await t.need();
    await updateNeed(t.sam, byHand.id, 1, { status: 'IN_PROGRESS' }, new Date());
    await updateNeed(t.sam, byHand.id, 2, { status: 'FULFILLED' }, new Date());
    const optedOut = await t.need({ autoFulfil: false });
    const order = await t.order([declined.id, byHand.id, optedOut.id]);
    await fulfil(t, order.id);
    await deliver(await recordsOf(t.tenantId, order.id));

    const after = {
      declined: await getNeed(t.tenantId, declined.id),
      byHand: await getNeed(t.tenantId, byHand.id),
      optedOut: await getNeed(t.tenantId, optedOut.id),
    };
    assert.equal(after.declined.status, 'DECLINED');
    assert.equal(after.byHand.status, 'FULFILLED');
    assert.equal(after.byHand.fulfilment, undefined, 'fulfilled by a person, not by the order');
    assert.equal(after.optedOut.status, 'IN_PROGRESS');
    assert.equal(after.optedOut.fulfilment, undefined);
    for (const need of Object.values(after))
      assert.deepEqual(need.orderIds, [order.id], 'linked all the same');
  });

  it('links an order that was rejected before its submission was seen, and moves nothing', async () => {
    const t = await tenant();
    const need = await t.need();
    // 40 × 25.00 = 1,000.00: the default rules ask an approver, who rejects it.
    const order = await t.order([need.id], 40);
    await task(tasks.advance, { tenantId: t.tenantId, orderId: order.id });
    await rejectOrder(principal(t.tenantId, ['approver'], 'alice'), order.id, 'Too much', new Date());
    await deliver(await recordsOf(t.tenantId, order.id));
    const linked = await getNeed(t.tenantId, need.id);
    assert.equal(linked.status, 'NEW');
    assert.deepEqual(linked.orderIds, [order.id]);
  });

  it('a need answered by two orders is fulfilled by the first to close; the second only links', async () => {
    const t = await tenant();
    const need = await t.need();
    const first = await t.order([need.id]);
    const second = await t.order([need.id]);
    await fulfil(t, second.id);
    await fulfil(t, first.id, false);
    await deliver([...(await recordsOf(t.tenantId, first.id)), ...(await recordsOf(t.tenantId, second.id))]);
    const done = await getNeed(t.tenantId, need.id);
    assert.deepEqual(done.orderIds, [first.id, second.id]);
    assert.equal(done.status, 'FULFILLED');
    assert.equal(done.fulfilment?.orderId, second.id);
  });

  it('passes over an order that names no needs: its record is taken, with nothing to do', async () => {
    const t = await tenant();
    const { order } = await createOrder(
      t.sales,
      { customerId: t.customerId, currency: 'EUR', lines: [{ sku: 'WIDGET', quantity: 2 }] },
      new Date(),
    );
    const records = await recordsOf(t.tenantId, order.id);
    assert.deepEqual(
      records.map((r) => r.dynamodb?.NewImage?.type?.S),
      ['ORDER_SUBMITTED'],
      'the filter cannot tell: every submission reaches the consumer',
    );
    // No batch item failure: the stream does not deliver it again.
    await deliver(records);
  });

  it('takes an imported order, CLOSED already, through both steps in one change', async () => {
    const t = await tenant();
    const need = await t.need({ receivedAt: '2023-04-01T10:00:00Z' });
    const orderId = newId();
    const evaluation = {
      stageSeconds: { SUBMITTED: 60, DELIVERED: 0 },
      cycleSeconds: 86_400,
      onTime: true,
      approvalSlaMet: null,
      escalations: 0,
      closedAt: '2023-04-20T00:00:00.000Z',
    };
    // An imported order and its timeline as the history import writes them (`imported: true`).
    await documentClient.send(
      new PutCommand({
        TableName: tables.domain,
        Item: {
          ...orderKey(t.tenantId, orderId),
          entity: 'ORDER',
          tenantId: t.tenantId,
          id: orderId,
          number: 'INV-536365',
          status: 'CLOSED',
          imported: true,
          needIds: [need.id],
          evaluation,
          feedback: { rating: 5 },
        },
      }),
    );
    const timeline = ['ORDER_SUBMITTED', 'ORDER_CLOSED'].map((type, i) => ({
      pk: orderKey(t.tenantId, orderId).pk,
      sk: `EVENT#00000${i + 1}`,
      entity: 'ORDER_EVENT',
      tenantId: t.tenantId,
      orderId,
      seq: i + 1,
      type,
      status: i ? 'CLOSED' : 'SUBMITTED',
      at: i ? evaluation.closedAt : '2023-04-19T00:00:00.000Z',
      actor: { type: 'system', id: 'import' },
      imported: true,
    }));
    const records = timeline.map((item) => streamRecord(item));
    assert.ok(records.every((record) => matchesAnyFilter(consumer?.source.filters ?? [], record)));
    await deliver(records);
    const done = await getNeed(t.tenantId, need.id);
    assert.equal(done.status, 'FULFILLED');
    assert.equal(done.version, 2, 'one change, on the first record; the second finds nothing to do');
    assert.deepEqual(done.fulfilment?.evaluation, evaluation);
    assert.deepEqual(done.fulfilment?.feedback, { rating: 5 });
    assert.deepEqual(await statusSteps(t.tenantId, need.id), [
      [undefined, 'NEW', 'user'],
      ['NEW', 'IN_PROGRESS', 'system'],
      ['IN_PROGRESS', 'FULFILLED', 'system'],
    ]);
  });
});
