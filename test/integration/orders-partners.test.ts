import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import type { HttpLambda } from '../../functions/shared/http/handler';
import { createTestTables } from '../support/database';
import { fakeContext, type InvokeResult, invoke, principal } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/**
 * Partner scoping: a fulfilment user works for one partner, and reads, lists and reports on the
 * orders that partner serves only; any other order of the tenant is as absent as an order of
 * another tenant. Orders are assigned a partner when fulfilment is requested.
 */
const tables = await createTestTables();
const orders = await import('../support/orders');
const { getOrderRecord } = await import('../../functions/orders/store');
const { putPartnerRouting, getPartnerRouting } = await import('../../functions/settings/store');
const { createCustomer } = await import('../../functions/customers/store');
const handlers = {
  get: (await import('../../functions/orders/get')).handler,
  list: (await import('../../functions/orders/list')).handler,
  timeline: (await import('../../functions/orders/timeline')).handler,
  approvals: (await import('../../functions/orders/approvals')).handler,
  approve: (await import('../../functions/orders/approve')).handler,
  reject: (await import('../../functions/orders/reject')).handler,
  shipments: (await import('../../functions/orders/shipments')).handler,
  delivery: (await import('../../functions/orders/delivery')).handler,
  failure: (await import('../../functions/orders/fulfilment-failure')).handler,
};
const requestFulfilment = (await import('../../functions/workflow/request-fulfilment')).handler;

const port = orders.recordWorkflow();
afterAll(async () => {
  await tables.drop();
});

const requests = requestCounter(tables);

type Tenant = Awaited<ReturnType<typeof orders.setUpTenant>>;
const PRODUCTS = [
  { sku: 'WIDGET', priceMinor: 2_500, onHand: 100, category: 'parts' },
  { sku: 'GADGET', priceMinor: 1_000, onHand: 100, category: 'machines' },
  { sku: 'BOLT', priceMinor: 100, onHand: 100, category: 'bolts' },
];
const NO_SUCH_ORDER = '01JZ0000000000000000000000';

const worksFor = (tenantId: string, partnerId: string): Principal => ({
  ...principal(tenantId, ['fulfilment'], `${partnerId}-user`),
  partnerId,
});
const route = (
  who: Principal,
  id: string,
  routing: Parameters<typeof putPartnerRouting>[1],
  version: number,
) =>
  putPartnerRouting(id, routing, version, {
    actor: who.userId,
    at: new Date().toISOString(),
    requestId: 'test',
    operation: 'putFulfilmentPartners',
  });

const getAs = (who: Principal, orderId: string) =>
  invoke(handlers.get, { routeKey: 'GET /v1/orders/{orderId}', pathParameters: { orderId }, principal: who });
const timelineAs = (who: Principal, orderId: string) =>
  invoke(handlers.timeline, {
    routeKey: 'GET /v1/orders/{orderId}/timeline',
    pathParameters: { orderId },
    principal: who,
  });
const listAs = (who: Principal, query: Record<string, string> = {}) =>
  invoke(handlers.list, { routeKey: 'GET /v1/orders', query, principal: who });
const post = (handler: HttpLambda, action: string, who: Principal, orderId: string, body: unknown) =>
  invoke(handler, {
    routeKey: `POST /v1/orders/{orderId}/${action}`,
    pathParameters: { orderId },
    body,
    principal: who,
  });
const ship = (who: Principal, orderId: string) =>
  post(handlers.shipments, 'shipments', who, orderId, { carrier: 'DHL', trackingNumber: 'JD0001' });
const deliver = (who: Principal, orderId: string) => post(handlers.delivery, 'delivery', who, orderId, {});
const failAs = (who: Principal, orderId: string) =>
  post(handlers.failure, 'fulfilment-failure', who, orderId, { reason: 'Out of material' });
const inboxOf = (who: Principal) =>
  invoke(handlers.approvals, { routeKey: 'GET /v1/approvals', principal: who });
const ids = (res: InvokeResult) => res.body.items.map((o: { id: string }) => o.id) as string[];

/** A response with what differs between two requests taken out: the order id asked for and the request's own id. */
const problemOf = (res: InvokeResult, orderId: string) => ({
  status: res.status,
  contentType: res.headers['content-type'],
  body: { ...res.body, detail: String(res.body.detail).replace(orderId, '<id>'), requestId: undefined },
});

/** 404, the very problem an order that does not exist gets. */
async function assertHidden(call: (orderId: string) => Promise<InvokeResult>, orderId: string) {
  const hidden = await call(orderId);
  const missing = await call(NO_SUCH_ORDER);
  assert.equal(hidden.status, 404, JSON.stringify(hidden.body));
  assert.deepEqual(problemOf(hidden, orderId), problemOf(missing, NO_SUCH_ORDER));
}

describe('a partner’s view of the tenant’s orders', () => {
  let t: Tenant;
  let haul: Principal;
  let house: Principal;
  const o: Record<string, string> = {};

  beforeAll(async () => {
    t = await orders.setUpTenant({ products: PRODUCTS });
    await route(
      principal(t.tenantId),
      t.tenantId,
      { defaultPartnerId: 'in-house', byCategory: { machines: 'heavy-haul' }, byCustomer: {} },
      0,
    );
    haul = worksFor(t.tenantId, 'heavy-haul');
    house = worksFor(t.tenantId, 'in-house');
    const machine = [{ sku: 'GADGET', quantity: 1 }];
    o.haul = (await orders.orderIn(t, 'IN_FULFILMENT', machine)).id;
    o.haulShipped = (await orders.orderIn(t, 'SHIPPED', machine)).id;
    o.haulFailing = (await orders.orderIn(t, 'IN_FULFILMENT', machine)).id;
    o.house = (await orders.orderIn(t, 'IN_FULFILMENT')).id;
    o.houseShipped = (await orders.orderIn(t, 'SHIPPED')).id;
  });

  it('reads its own orders and their timelines; another partner’s is a 404, the same problem as no order at all', async () => {
    const own = await getAs(haul, o.haul as string);
    assert.equal(own.status, 200);
    assert.equal(own.body.partnerId, 'heavy-haul');
    const events = (await timelineAs(haul, o.haul as string)).body.items;
    assert.equal(events.at(-1).type, 'FULFILMENT_REQUESTED');
    assert.equal(events.at(-1).details.partnerId, 'heavy-haul');
    assert.equal((await getAs(house, o.house as string)).body.partnerId, 'in-house');

    await assertHidden((id) => getAs(haul, id), o.house as string);
    await assertHidden((id) => timelineAs(haul, id), o.house as string);
    await assertHidden((id) => getAs(house, id), o.haul as string);
    await assertHidden((id) => timelineAs(house, id), o.haulShipped as string);
  });

  it('lists only its partner’s orders, newest first, with the status, customer and reference filters and cursors of any list', async () => {
    assert.deepEqual(ids(await listAs(haul)), [o.haulFailing, o.haulShipped, o.haul]);
    assert.deepEqual(ids(await listAs(house)), [o.houseShipped, o.house]);
    assert.deepEqual(ids(await listAs(haul, { status: 'SHIPPED' })), [o.haulShipped]);
    assert.deepEqual(ids(await listAs(haul, { customerId: t.customerId, status: 'IN_FULFILMENT' })), [
      o.haulFailing,
      o.haul,
    ]);
    assert.deepEqual(ids(await listAs(haul, { customerId: NO_SUCH_ORDER })), []);

    const first = await listAs(haul, { limit: '2' });
    assert.deepEqual(ids(first), [o.haulFailing, o.haulShipped]);
    const rest = await listAs(haul, { limit: '2', cursor: first.body.nextCursor });
    assert.deepEqual(ids(rest), [o.haul]);
    assert.equal(rest.body.nextCursor, undefined);
    const houseCursor = (await listAs(house, { limit: '1' })).body.nextCursor;
    const replayed = await listAs(haul, { limit: '1', cursor: houseCursor });
    assert.equal(replayed.status, 400, 'another partner’s cursor is refused');

    const number = (await getAs(house, o.house as string)).body.number;
    assert.deepEqual(
      ids(await listAs(haul, { number })),
      [],
      'another partner’s order is not found by number',
    );
    assert.deepEqual(ids(await listAs(house, { number })), [o.house]);

    const everything = ids(await listAs(principal(t.tenantId, ['analyst'])));
    for (const id of Object.values(o)) assert.ok(everything.includes(id), 'the tenant’s own people see all');
  });

  it('ships, delivers and reports a failure on its own orders only: another partner’s is a 404 and nothing changes', async () => {
    const versions = async () =>
      Promise.all(
        [o.house, o.houseShipped].map(async (id) => (await getOrderRecord(t.tenantId, id as string)).version),
      );
    const before = await versions();
    const stock = await orders.stockOf(t, 'WIDGET');
    const answered = port.successes.length + port.failures.length;

    await assertHidden((id) => ship(haul, id), o.house as string);
    await assertHidden((id) => deliver(haul, id), o.houseShipped as string);
    await assertHidden((id) => failAs(haul, id), o.house as string);
    assert.deepEqual(await versions(), before);
    assert.deepEqual(await orders.stockOf(t, 'WIDGET'), stock);
    assert.equal(port.successes.length + port.failures.length, answered, 'no task was answered');

    assert.equal((await ship(haul, o.haul as string)).status, 201);
    assert.equal((await deliver(haul, o.haulShipped as string)).status, 200);
    assert.equal((await failAs(haul, o.haulFailing as string)).status, 202);
    assert.equal((await ship(house, o.house as string)).status, 201);
  });
});

describe('an order not assigned to a partner yet', () => {
  it('belongs to the tenant’s default partner: only it reads the order and reports its failure; the default is the setting’s', async () => {
    const t = await orders.setUpTenant({ products: PRODUCTS });
    const house = worksFor(t.tenantId, 'in-house');
    const haul = worksFor(t.tenantId, 'heavy-haul');
    const reserved = await orders.orderIn(t, 'STOCK_RESERVED', [{ sku: 'GADGET', quantity: 1 }]);
    assert.equal(reserved.partnerId, undefined);

    await assertHidden((id) => getAs(haul, id), reserved.id);
    await assertHidden((id) => timelineAs(haul, id), reserved.id);
    await assertHidden((id) => failAs(haul, id), reserved.id);
    const seen = await getAs(house, reserved.id);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.partnerId, undefined);
    assert.deepEqual(ids(await listAs(house)), [], 'the partner’s list holds the orders assigned to it');
    assert.equal((await failAs(house, reserved.id)).status, 202);

    await route(
      principal(t.tenantId),
      t.tenantId,
      { defaultPartnerId: 'heavy-haul', byCategory: {}, byCustomer: {} },
      0,
    );
    const later = await orders.orderIn(t, 'STOCK_RESERVED');
    assert.equal((await getAs(haul, later.id)).status, 200);
    await assertHidden((id) => getAs(house, id), later.id);
  });
});

describe('a fulfilment user whose token names no partner', () => {
  it('is refused on every order route (403), unless another role sees the whole tenant', async () => {
    const t = await orders.setUpTenant();
    const order = await orders.orderIn(t, 'IN_FULFILMENT');
    const drifter = principal(t.tenantId, ['fulfilment'], 'drifter');
    const refusals = [
      await getAs(drifter, order.id),
      await timelineAs(drifter, order.id),
      await listAs(drifter),
      await ship(drifter, order.id),
      await deliver(drifter, order.id),
      await failAs(drifter, order.id),
      await inboxOf(drifter),
      await post(handlers.approve, 'approve', drifter, order.id, {}),
      await post(handlers.reject, 'reject', drifter, order.id, { comment: 'no' }),
    ];
    for (const res of refusals) {
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.match(res.body.detail, /belongs to no partner/);
    }
    assert.equal((await getOrderRecord(t.tenantId, order.id)).status, 'IN_FULFILMENT');

    const supervisor = principal(t.tenantId, ['fulfilment', 'analyst'], 'supervisor');
    assert.equal((await getAs(supervisor, order.id)).status, 200);
    assert.deepEqual(ids(await listAs(supervisor)), [order.id]);
  });
});

describe('approval levels that wait on fulfilment', () => {
  it('are in the inbox of, and decided by, the partner that answers for the order (the default, before assignment)', async () => {
    const t = await orders.setUpTenant();
    const house = worksFor(t.tenantId, 'in-house');
    const haul = worksFor(t.tenantId, 'heavy-haul');
    const pending = await orders.submitOrder(t);
    await orders.requireApproval(t, pending.id, [orders.level('fulfilment')]);
    await orders.parkTask(t, pending.id, 'approval');

    assert.deepEqual(
      (await inboxOf(house)).body.items.map((i: { orderId: string }) => i.orderId),
      [pending.id],
    );
    assert.deepEqual((await inboxOf(haul)).body.items, []);
    await assertHidden((id) => post(handlers.approve, 'approve', haul, id, {}), pending.id);
    await assertHidden((id) => post(handlers.reject, 'reject', haul, id, { comment: 'no' }), pending.id);
    const approved = await post(handlers.approve, 'approve', house, pending.id, {});
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.status, 'APPROVED');
  });
});

describe('assignment when fulfilment is requested', () => {
  it('goes to the customer’s partner, else the first routed line’s, else the default; in the order, its event and its partner’s list', async () => {
    const t = await orders.setUpTenant({ products: PRODUCTS });
    const vip = await createCustomer(t.tenantId, { name: 'Very Important Ltd' }, new Date().toISOString());
    await route(
      principal(t.tenantId),
      t.tenantId,
      {
        defaultPartnerId: 'in-house',
        byCategory: { machines: 'heavy-haul', parts: 'parts-co' },
        byCustomer: { [vip.id]: 'white-glove' },
      },
      0,
    );
    const cases: [Tenant, { sku: string; quantity: number }[], string][] = [
      [{ ...t, customerId: vip.id }, [{ sku: 'GADGET', quantity: 1 }], 'white-glove'],
      [
        t,
        [
          { sku: 'BOLT', quantity: 1 },
          { sku: 'GADGET', quantity: 1 },
          { sku: 'WIDGET', quantity: 1 },
        ],
        'heavy-haul',
      ],
      [
        t,
        [
          { sku: 'WIDGET', quantity: 1 },
          { sku: 'GADGET', quantity: 1 },
        ],
        'parts-co',
      ],
      [t, [{ sku: 'BOLT', quantity: 1 }], 'in-house'],
    ];
    const admin = principal(t.tenantId, ['admin']);
    for (const [fixture, lines, partnerId] of cases) {
      const order = await orders.orderIn(fixture, 'STOCK_RESERVED', lines);
      const answer = await requestFulfilment(
        { tenantId: t.tenantId, orderId: order.id, taskToken: `token-${order.id}` },
        fakeContext(),
      );
      assert.deepEqual(answer, { waiting: true });
      const read = await getAs(admin, order.id);
      assert.equal(read.body.status, 'IN_FULFILMENT');
      assert.equal(read.body.partnerId, partnerId, lines.map((l) => l.sku).join());
      const event = (await timelineAs(admin, order.id)).body.items.at(-1);
      assert.equal(event.type, 'FULFILMENT_REQUESTED');
      assert.equal(event.details.partnerId, partnerId);
      assert.deepEqual(ids(await listAs(worksFor(t.tenantId, partnerId))), [order.id]);
    }
  });
});

describe('what partner scoping costs in DynamoDB requests (within the manifest grants)', () => {
  const counted = async (operationId: string, send: () => Promise<InvokeResult>) => {
    const { response, byCommand } = await requests.run(operationId, send);
    return { status: response.status, byCommand };
  };

  it('nothing for an assigned order; one GetItem of the setting for an unassigned one; the timeline reads the order', async () => {
    const t = await orders.setUpTenant();
    const house = worksFor(t.tenantId, 'in-house');
    const admin = principal(t.tenantId, ['admin']);
    const assigned = await orders.orderIn(t, 'IN_FULFILMENT');
    const unassigned = await orders.orderIn(t, 'APPROVED');
    const one = { GetItemCommand: 1 };
    assert.deepEqual(await counted('getOrder', () => getAs(house, assigned.id)), {
      status: 200,
      byCommand: one,
    });
    assert.deepEqual(await counted('getOrder', () => getAs(admin, unassigned.id)), {
      status: 200,
      byCommand: one,
    });
    assert.deepEqual(await counted('getOrder', () => getAs(house, unassigned.id)), {
      status: 200,
      byCommand: { GetItemCommand: 2 },
    });
    assert.deepEqual(await counted('getOrderTimeline', () => timelineAs(admin, assigned.id)), {
      status: 200,
      byCommand: { QueryCommand: 1 },
    });
    assert.deepEqual(await counted('getOrderTimeline', () => timelineAs(house, assigned.id)), {
      status: 200,
      byCommand: { GetItemCommand: 1, QueryCommand: 1 },
    });
    assert.deepEqual(await counted('listOrders', () => listAs(house)), {
      status: 200,
      byCommand: { QueryCommand: 1 },
    });
    assert.deepEqual(await counted('listApprovals', () => inboxOf(house)), {
      status: 200,
      byCommand: { GetItemCommand: 1, QueryCommand: 1 },
    });
    assert.deepEqual(await counted('recordShipment', () => ship(house, assigned.id)), {
      status: 201,
      byCommand: { GetItemCommand: 1, TransactWriteItemsCommand: 1 },
    });
    assert.equal((await getPartnerRouting(t.tenantId)).version, 0, 'the tenant never saved a routing');
  });
});
