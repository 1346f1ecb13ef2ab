import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { createTestTables } from '../support/database';
import { fakeContext, invoke, principal } from '../support/invoke';

/**
 * An order keeps where it goes (`shipTo`) and who it is for (`customerName`) from the moment it is
 * created, and its FULFILMENT_REQUESTED event hands both to the partner that ships it.
 */
const tables = await createTestTables();
const { approve, recordWorkflow, reserve, setUpTenant } = await import('../support/orders');
const { createCustomer } = await import('../../functions/customers/store');
const { handler: create } = await import('../../functions/orders/create');
const { handler: timeline } = await import('../../functions/orders/timeline');
const requestFulfilment = (await import('../../functions/workflow/request-fulfilment')).handler;

recordWorkflow();
afterAll(() => tables.drop());

const PRIMARY = { line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' };
const SHIPPING = { line1: 'Dock 4', city: 'Hamburg', postalCode: '20457', country: 'DE' };

describe('an order’s ship-to address', () => {
  it('is the one given, else the shipping address, else the primary one, else absent', async () => {
    const t = await setUpTenant();
    const now = new Date().toISOString();
    const customer = (fields: Record<string, unknown>) =>
      createCustomer(t.tenantId, { name: 'Grace plc', ...fields }, now).then((c) => c.id);
    const withShipping = await customer({
      address: PRIMARY,
      addresses: [
        { label: 'billing', line1: 'PO Box 9', country: 'DE' },
        { label: 'shipping', ...SHIPPING },
      ],
    });
    const primaryOnly = await customer({ address: PRIMARY });
    const none = await customer({});
    const post = (customerId: string, extra: Record<string, unknown> = {}) =>
      invoke(create, {
        routeKey: 'POST /v1/orders',
        principal: t.sales,
        body: { customerId, currency: 'EUR', lines: [{ sku: 'WIDGET', quantity: 1 }], ...extra },
      });

    const shipped = await post(withShipping);
    assert.equal(shipped.status, 201);
    assert.deepEqual(shipped.body.shipTo, SHIPPING);
    assert.equal(shipped.body.customerName, 'Grace plc');
    assert.deepEqual((await post(primaryOnly)).body.shipTo, PRIMARY);
    const without = await post(none);
    assert.equal(without.status, 201);
    assert.equal(without.body.shipTo, undefined);
    // Given on create, it is validated like a customer's address: the country is stored as its code.
    const given = await post(withShipping, {
      shipTo: { line1: '5 Rue Neuve', city: 'Lyon', country: 'france' },
    });
    assert.deepEqual(given.body.shipTo, { line1: '5 Rue Neuve', city: 'Lyon', country: 'FR' });
  });

  it('refuses a malformed shipTo with a 422 naming the field', async () => {
    const t = await setUpTenant();
    for (const shipTo of [{ line1: 'x' }, { country: 'Atlantis' }, { country: 'DE', floor: 3 }]) {
      const res = await invoke(create, {
        routeKey: 'POST /v1/orders',
        principal: t.sales,
        body: { customerId: t.customerId, currency: 'EUR', lines: [{ sku: 'WIDGET', quantity: 1 }], shipTo },
      });
      assert.ok(res.status === 400 || res.status === 422, `${JSON.stringify(shipTo)}: ${res.status}`);
      assert.ok(
        JSON.stringify(res.body).includes('body.shipTo'),
        `${JSON.stringify(shipTo)}: ${JSON.stringify(res.body)}`,
      );
    }
  });

  it('goes to the partner with the FULFILMENT_REQUESTED event, with the customer’s name', async () => {
    const t = await setUpTenant();
    const customerId = (
      await createCustomer(t.tenantId, { name: 'Hopper GmbH', address: PRIMARY }, new Date().toISOString())
    ).id;
    const created = await invoke(create, {
      routeKey: 'POST /v1/orders',
      principal: t.sales,
      body: {
        customerId,
        currency: 'EUR',
        lines: [{ sku: 'WIDGET', quantity: 3 }],
        promisedDeliveryDate: '2030-02-01',
      },
    });
    const orderId = created.body.id as string;
    await approve(t, orderId);
    await reserve(t, orderId);
    const answer = await requestFulfilment(
      { tenantId: t.tenantId, orderId, taskToken: `token-${orderId}` },
      fakeContext(),
    );
    assert.deepEqual(answer, { waiting: true });
    const event = (
      await invoke(timeline, {
        routeKey: 'GET /v1/orders/{orderId}/timeline',
        pathParameters: { orderId },
        principal: principal(t.tenantId, ['admin']),
      })
    ).body.items.at(-1);
    assert.equal(event.type, 'FULFILMENT_REQUESTED');
    assert.deepEqual(event.details, {
      number: created.body.number,
      partnerId: 'in-house',
      lines: [{ sku: 'WIDGET', name: 'Product WIDGET', quantity: 3 }],
      promisedDeliveryDate: '2030-02-01',
      customerName: 'Hopper GmbH',
      shipTo: PRIMARY,
    });
  });
});
