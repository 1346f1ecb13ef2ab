/**
 * Defence in depth behind the cursor MAC, through the real list handlers against DynamoDB Local:
 * even a cursor signed with the right key (as a leaked key, or a bug that signs the wrong thing,
 * would allow) is refused with a 400 on `query.cursor` when its key is not exactly the list's key
 * in the caller's own partition. Without these checks each of them reaches DynamoDB as an
 * ExclusiveStartKey it refuses (a 500) or pages where it should not.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { afterAll, describe, it } from 'vitest';
import { CURSOR_KEY_ENV } from '../../functions/shared/db/cursor-key';
import { createTestTables } from '../support/database';
import { type InvokeResult, invoke, principal, uniqueTenant } from '../support/invoke';

const tables = await createTestTables();
const { handler: createCustomer } = await import('../../functions/customers/create');
const { handler: listCustomers } = await import('../../functions/customers/list');
const { handler: listOrders } = await import('../../functions/orders/list');
const { handler: timeline } = await import('../../functions/orders/timeline');
const { handler: approvals } = await import('../../functions/orders/approvals');

/** Signed with the key the in-process handlers use (test/setup/environment.ts). */
function signed(body: unknown): string {
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  const tag = createHmac('sha256', process.env[CURSOR_KEY_ENV] as string)
    .update(payload)
    .digest('base64url');
  return `${payload}.${tag}`;
}

function assertCursorRefused(res: InvokeResult, what: string) {
  assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.type, 'urn:orderly:problem:validation-error', what);
  assert.deepEqual(
    res.body.errors.map((e: { field: string }) => e.field),
    ['query.cursor'],
    what,
  );
}

describe('signed cursors with the wrong key shape are refused by every list', () => {
  const tenant = uniqueTenant('cursor');
  const other = uniqueTenant('cursor-other');
  const admin = principal(tenant, ['admin']);
  const orderId = '01J00000000000000000000000';
  afterAll(() => tables.drop());

  const customersKey = (t: string) => ({
    pk: `T#${t}#CUSTOMER#01J00000000000000000000001`,
    sk: 'CUSTOMER',
    collectionPk: `T#${t}#CUSTOMERS`,
    collectionSk: '01J00000000000000000000001',
  });
  const lists = [
    {
      what: 'customers',
      call: (cursor: string) =>
        invoke(listCustomers, { routeKey: 'GET /v1/customers', query: { cursor }, principal: admin }),
      list: 'CUSTOMERS',
      key: customersKey(tenant),
      partition: 'collectionPk',
    },
    {
      what: 'orders by status',
      call: (cursor: string) =>
        invoke(listOrders, {
          routeKey: 'GET /v1/orders',
          query: { cursor, status: 'SUBMITTED' },
          principal: admin,
        }),
      list: 'ORDERS#STATUS#SUBMITTED',
      key: {
        pk: `T#${tenant}#ORDER#${orderId}`,
        sk: 'ORDER',
        statusPk: `T#${tenant}#ORDERS#SUBMITTED`,
        statusSk: `2025-01-01T00:00:00.000Z#${orderId}`,
      },
      partition: 'statusPk',
    },
    {
      what: 'timeline',
      call: (cursor: string) =>
        invoke(timeline, {
          routeKey: 'GET /v1/orders/{orderId}/timeline',
          pathParameters: { orderId },
          query: { cursor },
          principal: admin,
        }),
      list: `TIMELINE#${orderId}`,
      key: { pk: `T#${tenant}#ORDER#${orderId}`, sk: 'EVENT#0001' },
      partition: 'pk',
    },
    {
      what: 'approvals',
      call: (cursor: string) =>
        invoke(approvals, { routeKey: 'GET /v1/approvals', query: { cursor }, principal: admin }),
      list: 'APPROVALS',
      key: { tenant: `T#${tenant}`, after: '2025-01-01T00:00:00.000Z' },
      partition: 'tenant',
    },
  ];

  it('refuses the partition key alone', async () => {
    for (const spec of lists) {
      const key = { [spec.partition]: spec.key[spec.partition as keyof typeof spec.key] };
      assertCursorRefused(await spec.call(signed({ l: spec.list, k: key })), spec.what);
    }
  });

  it('refuses an empty attribute (DynamoDB refuses empty key strings)', async () => {
    for (const spec of lists) {
      for (const name of Object.keys(spec.key).filter((n) => n !== spec.partition)) {
        assertCursorRefused(
          await spec.call(signed({ l: spec.list, k: { ...spec.key, [name]: '' } })),
          `${spec.what} ${name}`,
        );
      }
    }
  });

  it('refuses an extra attribute, and a missing one', async () => {
    for (const spec of lists) {
      assertCursorRefused(
        await spec.call(signed({ l: spec.list, k: { ...spec.key, extra: 'x' } })),
        spec.what,
      );
      const [first] = Object.keys(spec.key).filter((n) => n !== spec.partition);
      const missing = Object.fromEntries(Object.entries(spec.key).filter(([n]) => n !== first));
      assertCursorRefused(
        await spec.call(signed({ l: spec.list, k: missing })),
        `${spec.what} without ${first}`,
      );
    }
  });

  it('refuses another list’s and another tenant’s key, however well signed', async () => {
    const [customers] = lists;
    assertCursorRefused(
      (await customers?.call(signed({ l: 'PRODUCTS', k: customersKey(tenant) }))) as InvokeResult,
      'list',
    );
    assertCursorRefused(
      (await customers?.call(signed({ l: 'CUSTOMERS', k: customersKey(other) }))) as InvokeResult,
      'tenant',
    );
  });

  it('accepts the key as the list issues it', async () => {
    for (let i = 0; i < 2; i++) {
      const created = await invoke(createCustomer, {
        routeKey: 'POST /v1/customers',
        body: { name: `Customer ${i}` },
        principal: admin,
      });
      assert.equal(created.status, 201);
    }
    const first = await invoke(listCustomers, {
      routeKey: 'GET /v1/customers',
      query: { limit: '1' },
      principal: admin,
    });
    assert.ok(first.body.nextCursor);
    const second = await invoke(listCustomers, {
      routeKey: 'GET /v1/customers',
      query: { limit: '1', cursor: first.body.nextCursor },
      principal: admin,
    });
    assert.equal(second.status, 200);
    assert.equal(second.body.items[0].name, 'Customer 1');
    assert.equal(second.body.nextCursor, undefined);
  });
});
