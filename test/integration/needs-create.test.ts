import assert from 'node:assert/strict';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { createTestTables } from '../support/database';
import { invoke, principal } from '../support/invoke';

/**
 * Recording needs against DynamoDB Local through the real handlers: one at a time and in batches
 * (good and bad items mixed), idempotent retries, natural keys, and what a need's create writes.
 */
const tables = await createTestTables();
afterAll(() => tables.drop());

const { setUpTenant } = await import('../support/orders');
const { handler: create } = await import('../../functions/needs/create');
const { handler: batch } = await import('../../functions/needs/batch');
const { handler: get } = await import('../../functions/needs/get');
const { handler: history } = await import('../../functions/needs/history');
const { documentClient } = await import('../../functions/shared/db/client');
const { indexPartition } = await import('../../functions/needs/keys');
const { writeNeed, getNeed } = await import('../../functions/needs/store');
const { needOf } = await import('../support/need-fixture');
const { newId } = await import('../../functions/shared/ids');
const { WriteCancelledError } = await import('../../functions/shared/db/write-items');

const CREATE = 'POST /v1/needs';
const BATCH = 'POST /v1/needs/batch';

async function fixture() {
  const t = await setUpTenant();
  return { ...t, sam: principal(t.tenantId, ['sales'], 'sam') };
}

const needBody = (customerId: string, extra: Record<string, unknown> = {}) => ({
  customerId,
  channel: 'call',
  title: 'Needs spare blades for the W-200',
  ...extra,
});

/** Every item of a tenant's partition-keyed needs data, by entity (a Query per partition asked). */
async function itemsIn(pk: string) {
  const { Items } = await documentClient.send(
    new QueryCommand({
      TableName: tables.domain,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    }),
  );
  return Items ?? [];
}

describe('POST /v1/needs', () => {
  it('records a need with its defaults, its creation in its history and an entry in each index partition', async () => {
    const t = await fixture();
    const res = await invoke(create, {
      routeKey: CREATE,
      principal: t.sam,
      body: needBody(t.customerId, {
        type: 'spare_parts',
        description: 'Two sets,\nbefore March',
        estimatedValue: { amountMinor: 129_900, currency: 'EUR' },
        quantity: 2,
        productIds: [t.products.WIDGET, t.products.GADGET, t.products.WIDGET],
        tags: ['blades', 'repeat', 'blades'],
        receivedAt: '2025-11-03T09:30:00+01:00',
      }),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const need = res.body;
    assert.equal(res.headers.etag, '"1"');
    assert.equal(res.headers.location, `/v1/needs/${need.id}`);
    assert.equal(need.status, 'NEW');
    assert.equal(need.priority, 'normal');
    assert.equal(need.autoFulfil, true);
    assert.equal(need.receivedAt, '2025-11-03T08:30:00.000Z', 'kept as a UTC instant');
    assert.deepEqual(need.productIds, [t.products.WIDGET, t.products.GADGET], 'a set');
    assert.deepEqual(need.tags, ['blades', 'repeat']);
    assert.equal(need.createdBy, 'sam');

    const read = await invoke(get, {
      routeKey: 'GET /v1/needs/{needId}',
      pathParameters: { needId: need.id },
      principal: t.sam,
    });
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, need);

    const records = await invoke(history, {
      routeKey: 'GET /v1/needs/{needId}/history',
      pathParameters: { needId: need.id },
      principal: t.sam,
    });
    assert.equal(records.status, 200);
    assert.deepEqual(records.body.items, [
      { at: need.createdAt, actor: { type: 'user', id: 'sam' }, to: 'NEW', version: 1 },
    ]);

    // One entry per value: all, type, channel, status, customer, each product, each tag.
    const partitions = [
      indexPartition(t.tenantId, 'ALL'),
      indexPartition(t.tenantId, 'TYPE', 'spare_parts'),
      indexPartition(t.tenantId, 'CHANNEL', 'call'),
      indexPartition(t.tenantId, 'STATUS', 'NEW'),
      indexPartition(t.tenantId, 'CUSTOMER', t.customerId),
      indexPartition(t.tenantId, 'PRODUCT', t.products.WIDGET as string),
      indexPartition(t.tenantId, 'PRODUCT', t.products.GADGET as string),
      indexPartition(t.tenantId, 'TAG', 'blades'),
      indexPartition(t.tenantId, 'TAG', 'repeat'),
    ];
    for (const pk of partitions) {
      const entries = await itemsIn(pk);
      assert.equal(entries.length, 1, pk);
      assert.equal(entries[0]?.entity, 'NEED_INDEX', 'never NEED: the aggregates count NEED items');
      assert.equal(entries[0]?.sk, `2025-11-03T08:30:00.000Z#${need.id}`);
      assert.equal(entries[0]?.title, need.title, 'a copy of the need');
    }
    const own = await itemsIn(`T#${t.tenantId}#NEED#${need.id}`);
    assert.deepEqual(
      own.map((item) => [item.sk, item.entity]),
      [
        ['HISTORY#000001#0', 'NEED_HISTORY'],
        ['NEED', 'NEED'],
      ],
    );
  });

  it('never creates a need over one with the same id: the second create is refused and the first stays', async () => {
    const t = await fixture();
    const need = needOf({ id: newId(), customerId: t.customerId });
    const put = (title: string) =>
      writeNeed({
        tenantId: t.tenantId,
        after: { ...need, title },
        steps: [],
        actor: { type: 'user', id: 'sam' },
        at: need.createdAt,
      });
    await put('the first');
    await assert.rejects(put('the second'), (error) => {
      assert.ok(error instanceof WriteCancelledError, String(error));
      // The need's own condition, the first item of the write.
      assert.equal(error.reasons[0], 'ConditionalCheckFailed');
      return true;
    });
    assert.equal((await getNeed(t.tenantId, need.id, true)).title, 'the first');
  });

  it('refuses an unknown customer or product with a 422 naming it, and a future receivedAt with a 400', async () => {
    const t = await fixture();
    const other = await fixture();
    const unknownCustomer = await invoke(create, {
      routeKey: CREATE,
      principal: t.sam,
      body: needBody(other.customerId),
    });
    assert.equal(unknownCustomer.status, 422);
    assert.equal(unknownCustomer.body.type, 'urn:orderly:problem:unknown-customer');
    assert.deepEqual(unknownCustomer.body.errors, [
      { field: 'body.customerId', message: `no customer '${other.customerId}'` },
    ]);

    const unknownProduct = await invoke(create, {
      routeKey: CREATE,
      principal: t.sam,
      body: needBody(t.customerId, { productIds: [t.products.WIDGET, other.products.GADGET] }),
    });
    assert.equal(unknownProduct.status, 422);
    assert.deepEqual(unknownProduct.body.errors, [
      { field: 'body.productIds.1', message: `no product '${other.products.GADGET}'` },
    ]);

    const future = await invoke(create, {
      routeKey: CREATE,
      principal: t.sam,
      body: needBody(t.customerId, { receivedAt: new Date(Date.now() + 3_600_000).toISOString() }),
    });
    assert.equal(future.status, 400);
    assert.equal(future.body.errors[0].field, 'body.receivedAt');
    assert.equal((await itemsIn(indexPartition(t.tenantId, 'ALL'))).length, 0, 'nothing written');
  });

  it('answers a retry with the same Idempotency-Key with the need it created', async () => {
    const t = await fixture();
    const send = () =>
      invoke(create, {
        routeKey: CREATE,
        principal: t.sam,
        headers: { 'idempotency-key': 'need-create-0001' },
        body: needBody(t.customerId),
      });
    const first = await send();
    const second = await send();
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(second.body.id, first.body.id);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal((await itemsIn(indexPartition(t.tenantId, 'ALL'))).length, 1);
  });

  it('keeps externalRef unique per source: a second create is a 409 naming the need that has it', async () => {
    const t = await fixture();
    const first = await invoke(create, {
      routeKey: CREATE,
      principal: t.sam,
      body: needBody(t.customerId, { externalRef: 'T-1', source: 'helpdesk' }),
    });
    assert.equal(first.status, 201);
    const again = await invoke(create, {
      routeKey: CREATE,
      principal: t.sam,
      body: needBody(t.customerId, { externalRef: 'T-1', source: 'helpdesk' }),
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.type, 'urn:orderly:problem:external-ref-taken');
    assert.equal(again.body.existingId, first.body.id);
    // The same reference from another source, or from none, is another need.
    for (const source of ['survey-2024', undefined]) {
      const other = await invoke(create, {
        routeKey: CREATE,
        principal: t.sam,
        body: needBody(t.customerId, { externalRef: 'T-1', ...(source ? { source } : {}) }),
      });
      assert.equal(other.status, 201, JSON.stringify(other.body));
    }
  });
});

describe('POST /v1/needs/batch', () => {
  it('creates the good items and rejects each bad one alone, with the field it got wrong', async () => {
    const t = await fixture();
    const other = await fixture();
    const items = [
      needBody(t.customerId, { externalRef: 'R-1', source: 'crm' }),
      needBody(t.customerId, { channel: 'carrier-pigeon' }),
      needBody(other.customerId),
      needBody(t.customerId, { productIds: [t.products.GADGET], tags: ['x'] }),
      'not a need',
      needBody(t.customerId, { externalRef: 'R-1', source: 'crm' }),
    ];
    const res = await invoke(batch, { routeKey: BATCH, principal: t.sam, body: { items } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const outcomes = res.body.results.map((r: { outcome: string; status: number }) => [r.outcome, r.status]);
    assert.deepEqual(outcomes.slice(1, 5), [
      ['rejected', 400],
      ['rejected', 422],
      ['created', 201],
      ['rejected', 400],
    ]);
    // Items 0 and 5 carry the same externalRef and source: they run concurrently, so either is
    // the one created, and the other is `existing` with its id.
    assert.deepEqual([outcomes[0], outcomes[5]].sort(), [
      ['created', 201],
      ['existing', 200],
    ]);
    assert.equal(res.body.results[1].problem.errors[0].field, 'body.items.1.channel');
    assert.equal(res.body.results[2].problem.errors[0].field, 'body.items.2.customerId');
    assert.equal(res.body.results[5].id, res.body.results[0].id, 'the need that holds R-1 from crm');
    assert.deepEqual([res.body.created, res.body.existing, res.body.rejected], [2, 1, 3]);
    assert.equal((await itemsIn(indexPartition(t.tenantId, 'ALL'))).length, 2);
  });

  it('creates nothing new when a batch is sent again with its Idempotency-Key, or re-imported by externalRef', async () => {
    const t = await fixture();
    const items = Array.from({ length: 12 }, (_, i) =>
      needBody(t.customerId, {
        title: `Need ${i}`,
        ...(i % 2 ? { externalRef: `E-${i}`, source: 'sheet' } : {}),
      }),
    );
    const send = (key?: string) =>
      invoke(batch, {
        routeKey: BATCH,
        principal: t.sam,
        ...(key ? { headers: { 'idempotency-key': key } } : {}),
        body: { items },
      });
    const first = await send('batch-key-0001');
    assert.equal(first.body.created, 12);
    const retried = await send('batch-key-0001');
    assert.equal(retried.status, 200);
    assert.equal(retried.body.existing, 12);
    assert.deepEqual(
      retried.body.results.map((r: { id: string }) => r.id),
      first.body.results.map((r: { id: string }) => r.id),
    );
    // Without the key, the items with an externalRef are found by it; the others are new needs.
    const reimported = await send();
    assert.equal(reimported.body.existing, 6);
    assert.equal(reimported.body.created, 6);
    assert.equal((await itemsIn(indexPartition(t.tenantId, 'ALL'))).length, 18);
  });

  it('refuses a batch of more than 100 items as a whole', async () => {
    const t = await fixture();
    const items = Array.from({ length: 101 }, () => needBody(t.customerId));
    const res = await invoke(batch, { routeKey: BATCH, principal: t.sam, body: { items } });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'body.items');
    assert.equal((await itemsIn(indexPartition(t.tenantId, 'ALL'))).length, 0);
  });
});
