import assert from 'node:assert/strict';
import { afterAll, afterEach, beforeEach, describe, it } from 'vitest';
import { assertSeesOrder, orderFilterOf, seesOrder } from '../../functions/orders/partner-access';
import { TENANT_WIDE } from '../../functions/orders/partner-scope';
import { putPartnerRouting } from '../../functions/settings/store';
import { documentClient } from '../../functions/shared/db/client';
import { NotFoundError } from '../../functions/shared/http/errors';
import { createTestTables } from '../support/database';
import { uniqueTenant } from '../support/invoke';

/**
 * Who sees which order (`partner-access.ts`) against the tenant's real partner routing in DynamoDB
 * Local: a partner-bound caller sees the orders assigned to its partner, and an unassigned order
 * only when its partner is the default of the caller's own tenant (another tenant's default never
 * counts); a hidden order is the very 404 a missing one gets; a tenant-wide caller sees all and
 * costs no read; a partner-bound list reads the default once, whatever the number of orders.
 */
const tables = await createTestTables();
afterAll(() => tables.drop());

/** Counts the GetItem requests this process sends to the domain table (a middleware that only observes). */
const reads = { count: 0 };
const NAME = 'count-domain-reads';
beforeEach(() => {
  reads.count = 0;
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string };
      if (
        ['GetCommand', 'GetItemCommand'].includes(String(context.commandName)) &&
        input.TableName === process.env.DOMAIN_TABLE_NAME
      )
        reads.count++;
      return next(args);
    },
    { step: 'initialize', name: NAME },
  );
});
afterEach(() => {
  documentClient.middlewareStack.remove(NAME);
});

/** A tenant whose default partner is `parcel-co` (another tenant keeps the built-in `in-house`). */
async function tenantWithDefault(defaultPartnerId: string): Promise<string> {
  const tenantId = uniqueTenant('pa');
  await putPartnerRouting(tenantId, { defaultPartnerId, byCategory: {}, byCustomer: {} }, 0, {
    actor: 'admin-1',
    at: '2026-03-01T10:00:00.000Z',
    requestId: 'req-1',
    operation: 'putFulfilmentPartners',
  });
  return tenantId;
}

const parcel = { partnerId: 'parcel-co' } as const;
const inHouse = { partnerId: 'in-house' } as const;

describe('seesOrder', () => {
  it('tenant-wide sees every order, assigned or not, without reading anything', async () => {
    const tenantId = uniqueTenant('pa');
    assert.equal(await seesOrder(tenantId, TENANT_WIDE, { id: 'o1' }), true);
    assert.equal(await seesOrder(tenantId, TENANT_WIDE, { id: 'o2', partnerId: 'parcel-co' }), true);
    assert.equal(reads.count, 0);
  });

  it('a partner sees an order assigned to it and not one assigned to another, without reading the routing', async () => {
    const tenantId = uniqueTenant('pa');
    assert.equal(await seesOrder(tenantId, parcel, { id: 'o1', partnerId: 'parcel-co' }), true);
    assert.equal(await seesOrder(tenantId, parcel, { id: 'o2', partnerId: 'in-house' }), false);
    assert.equal(reads.count, 0);
  });

  it('an unassigned order is seen by the tenant’s default partner only: the built-in in-house one by default', async () => {
    const tenantId = uniqueTenant('pa');
    assert.equal(await seesOrder(tenantId, inHouse, { id: 'o1' }), true);
    assert.equal(await seesOrder(tenantId, parcel, { id: 'o1' }), false);
    assert.equal(reads.count, 2, 'one GetItem of the routing per unassigned order');
  });

  it('the default is the caller’s own tenant’s: another tenant’s saved default gives nothing', async () => {
    const moved = await tenantWithDefault('parcel-co');
    const other = uniqueTenant('pa');
    assert.equal(await seesOrder(moved, parcel, { id: 'o1' }), true);
    assert.equal(await seesOrder(moved, inHouse, { id: 'o1' }), false);
    assert.equal(await seesOrder(other, parcel, { id: 'o1' }), false);
    assert.equal(await seesOrder(other, inHouse, { id: 'o1' }), true);
  });
});

describe('assertSeesOrder', () => {
  it('answers an order of another partner with the 404 a missing order gets', async () => {
    const tenantId = uniqueTenant('pa');
    await assert.rejects(
      assertSeesOrder(tenantId, parcel, { id: '01JORDER', partnerId: 'in-house' }),
      (error) => {
        assert.ok(error instanceof NotFoundError);
        assert.equal(error.statusCode, 404);
        assert.equal(error.type, 'not-found');
        assert.equal(error.detail, "Order '01JORDER' does not exist.");
        assert.deepEqual(error.extensions, {});
        return true;
      },
    );
    await assertSeesOrder(tenantId, parcel, { id: '01JORDER', partnerId: 'parcel-co' });
    await assertSeesOrder(tenantId, TENANT_WIDE, { id: '01JORDER', partnerId: 'in-house' });
  });
});

describe('orderFilterOf', () => {
  const orders = [
    { id: 'a', partnerId: 'parcel-co' },
    { id: 'b', partnerId: 'in-house' },
    { id: 'c' },
    { id: 'd', partnerId: 'parcel-co' },
  ];

  it('tenant-wide keeps every order and reads nothing', async () => {
    const keep = await orderFilterOf(uniqueTenant('pa'), TENANT_WIDE);
    assert.deepEqual(
      orders.filter(keep).map((o) => o.id),
      ['a', 'b', 'c', 'd'],
    );
    assert.equal(reads.count, 0);
  });

  it('a partner keeps its own orders and the unassigned ones of its tenant’s default, reading the default once', async () => {
    const moved = await tenantWithDefault('parcel-co');
    reads.count = 0;
    const parcelKeeps = await orderFilterOf(moved, parcel);
    assert.deepEqual(
      orders.filter(parcelKeeps).map((o) => o.id),
      ['a', 'c', 'd'],
    );
    assert.equal(reads.count, 1);
    const inHouseKeeps = await orderFilterOf(moved, inHouse);
    assert.deepEqual(
      orders.filter(inHouseKeeps).map((o) => o.id),
      ['b'],
    );
    const elsewhere = await orderFilterOf(uniqueTenant('pa'), parcel);
    assert.deepEqual(
      orders.filter(elsewhere).map((o) => o.id),
      ['a', 'd'],
    );
  });
});
