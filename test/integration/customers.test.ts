import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { createTestTables } from '../support/database';
import { invoke, principal, uniqueTenant } from '../support/invoke';

const tables = await createTestTables();
const { handler: create } = await import('../../functions/customers/create');
const { handler: get } = await import('../../functions/customers/get');
const { handler: update } = await import('../../functions/customers/update');
const { handler: list } = await import('../../functions/customers/list');

describe('customers against DynamoDB Local', () => {
  const tenant = uniqueTenant();
  const admin = principal(tenant);
  afterAll(() => tables.drop());

  it('creates, reads and updates a customer with a version guard', async () => {
    const created = await invoke(create, {
      routeKey: 'POST /v1/customers',
      body: {
        name: 'Ada Ltd',
        email: 'ada@example.com',
        creditLimit: { amountMinor: 500000, currency: 'EUR' },
      },
      principal: admin,
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.etag, '"1"');
    const id = created.body.id;
    const got = await invoke(get, {
      routeKey: 'GET /v1/customers/{customerId}',
      pathParameters: { customerId: id },
      principal: admin,
    });
    assert.equal(got.status, 200);
    assert.equal(got.body.name, 'Ada Ltd');

    const changed = await invoke(update, {
      routeKey: 'PATCH /v1/customers/{customerId}',
      pathParameters: { customerId: id },
      headers: { 'if-match': '"1"' },
      body: { name: 'Ada Lovelace Ltd', email: null },
      principal: admin,
    });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.version, 2);
    assert.equal(changed.body.email, undefined);

    const stale = await invoke(update, {
      routeKey: 'PATCH /v1/customers/{customerId}',
      pathParameters: { customerId: id },
      headers: { 'if-match': '"1"' },
      body: { name: 'Lost update' },
      principal: admin,
    });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.currentVersion, 2);
  });

  it('pages through a list with no duplicate and no gap', async () => {
    const other = principal(uniqueTenant());
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await invoke(create, {
        routeKey: 'POST /v1/customers',
        body: { name: `C${i}` },
        principal: other,
      });
      ids.push(res.body.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await invoke(list, {
        routeKey: 'GET /v1/customers',
        query: { limit: '3', ...(cursor ? { cursor } : {}) },
        principal: other,
      });
      assert.equal(page.status, 200);
      seen.push(...page.body.items.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ids);
  });

  it('answers an outage with a 500 problem that shows no internals', async () => {
    const real = process.env.DOMAIN_TABLE_NAME;
    process.env.DOMAIN_TABLE_NAME = 'no-such-table-orderly-internal';
    try {
      const res = await invoke(list, { routeKey: 'GET /v1/customers', principal: admin });
      assert.equal(res.status, 500);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      assert.equal(res.body.type, 'urn:orderly:problem:internal-error');
      assert.ok(res.body.requestId);
      assert.doesNotMatch(JSON.stringify(res.body), /no-such-table|ResourceNotFound|dynamodb/i);
    } finally {
      process.env.DOMAIN_TABLE_NAME = real;
    }
  });
});
