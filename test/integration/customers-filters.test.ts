import assert from 'node:assert/strict';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import type { HttpLambda } from '../../functions/shared/http/handler';
import { createTestTables } from '../support/database';
import { type InvokeOptions, invoke, principal, uniqueTenant } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/**
 * What real customer exports carry (contacts, addresses, tags, segments), and the two filters of
 * GET /v1/customers: by the primary address's country and by tag, each one Query on a partition
 * of its own (the tag's then reads its customers in one BatchGetItem), with the entries moving in
 * the transaction of the PATCH that changes the value. Requests counted through the twin's local
 * IAM, so each is also within the manifest's grants.
 */
const tables = await createTestTables();
const handlers = {
  create: (await import('../../functions/customers/create')).handler,
  get: (await import('../../functions/customers/get')).handler,
  update: (await import('../../functions/customers/update')).handler,
  list: (await import('../../functions/customers/list')).handler,
};
const { documentClient } = await import('../../functions/shared/db/client');
const { changeOpenBalance } = await import('../../functions/customers/balance-items');
const { writeItems } = await import('../../functions/shared/db/write-items');
const requests = requestCounter(tables);
afterAll(() => tables.drop());

const counted = async (operationId: string, handler: HttpLambda, options: InvokeOptions) => {
  const { response, byCommand } = await requests.run(operationId, () => invoke(handler, options));
  return { ...response, byCommand };
};

function api(tenantId = uniqueTenant('cf')) {
  const admin = principal(tenantId);
  return {
    tenantId,
    create: (body: unknown) =>
      invoke(handlers.create, { routeKey: 'POST /v1/customers', body, principal: admin }),
    get: (id: string) =>
      invoke(handlers.get, {
        routeKey: 'GET /v1/customers/{customerId}',
        pathParameters: { customerId: id },
        principal: admin,
      }),
    patch: (id: string, version: number, body: unknown) =>
      counted('updateCustomer', handlers.update, {
        routeKey: 'PATCH /v1/customers/{customerId}',
        pathParameters: { customerId: id },
        headers: { 'if-match': `"${version}"` },
        body,
        principal: admin,
      }),
    list: (query: Record<string, string>) =>
      counted('listCustomers', handlers.list, { routeKey: 'GET /v1/customers', query, principal: admin }),
  };
}

const ids = (page: { body: { items: { id: string }[] } }) => page.body.items.map((c) => c.id);

describe('customers carry contacts, addresses, tags and segments', () => {
  it('keeps them as sent, reads each contact’s phone in the customer’s country, and gives them back', async () => {
    const t = api();
    const created = await t.create({
      name: 'Euro Shopping Channel',
      address: { line1: 'C/ Moralzarzal, 86', city: 'Madrid', country: 'Spain' },
      contacts: [
        {
          name: 'Diego Roel',
          role: 'Accounting Manager',
          email: 'diego@euro.example',
          phone: '(91) 555 94 44',
        },
        { name: 'Martín Sommer', phone: '+34 91 555 22 82' },
        { name: 'Nobody Reachable', role: 'Owner' },
      ],
      addresses: [
        { label: 'billing', line1: 'Apartado 1', city: 'Madrid', country: 'ES' },
        { label: 'shipping', line1: 'Muelle 3', city: 'Valencia', postalCode: '46024', country: 'spain' },
      ],
      tags: ['Retail', 'vip'],
      segments: ['Deal size: Large', 'Classic Cars'],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const read = await t.get(created.body.id);
    assert.deepEqual(read.body, created.body);
    assert.deepEqual(read.body.contacts, [
      {
        name: 'Diego Roel',
        role: 'Accounting Manager',
        email: 'diego@euro.example',
        phone: '(91) 555 94 44',
        phoneE164: '+34915559444',
      },
      { name: 'Martín Sommer', phone: '+34 91 555 22 82', phoneE164: '+34915552282' },
      { name: 'Nobody Reachable', role: 'Owner' },
    ]);
    assert.deepEqual(
      read.body.addresses.map((a: { label: string; country: string }) => [a.label, a.country]),
      [
        ['billing', 'ES'],
        ['shipping', 'ES'],
      ],
    );
    assert.deepEqual(read.body.segments, ['Deal size: Large', 'Classic Cars']);

    // A new address reads the contacts' numbers in the new country (a PATCH that leaves them alone).
    const moved = await t.patch(created.body.id, 1, {
      address: { line1: '120 Hanover Sq.', city: 'London', country: 'GB' },
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.contacts[0].phoneE164, '+44915559444', 'now read as a UK number');
    assert.equal(moved.body.contacts[1].phoneE164, '+34915552282', 'a + number reads anywhere');
  });

  it('refuses what is not contact data with a 400 naming the place, and writes nothing', async () => {
    const t = api();
    const bad: [unknown, string][] = [
      [{ name: 'A', contacts: [{ name: 'B', phone: 'call me' }] }, 'body.contacts.0.phone'],
      [{ name: 'A', contacts: [{ role: 'Buyer' }] }, 'body.contacts.0.name'],
      [{ name: 'A', contacts: Array.from({ length: 21 }, (_, i) => ({ name: `P${i}` })) }, 'body.contacts'],
      [{ name: 'A', addresses: [{ line1: 'x', city: 'y', country: 'GB' }] }, 'body.addresses.0.label'],
      [
        { name: 'A', addresses: [{ label: 'home', line1: 'x', city: 'y', country: 'GB' }] },
        'body.addresses.0.label',
      ],
      [
        { name: 'A', addresses: [{ label: 'other', line1: 'x', city: 'y', country: 'Atlantis' }] },
        'body.addresses.0.country',
      ],
      [{ name: 'A', tags: ['VIP', 'vip'] }, 'body.tags.1'],
      [{ name: 'A', segments: Array.from({ length: 21 }, (_, i) => `S${i}`) }, 'body.segments'],
      [{ name: 'A', contacts: [{ name: 'B', phoneE164: '+441234567890' }] }, 'body.contacts.0.phoneE164'],
    ];
    for (const [body, field] of bad) {
      const res = await t.create(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(
        res.body.errors.some((e: { field: string }) => e.field === field),
        `${field}: ${JSON.stringify(res.body.errors)}`,
      );
    }
    const all = await t.list({});
    assert.deepEqual(all.body.items, []);
  });
});

describe('GET /v1/customers?country= and ?tag=', () => {
  it('each filter is one Query on its own partition, page by page, oldest first', async () => {
    const t = api();
    const made: Record<string, string> = {};
    const specs = [
      { name: 'DE-1', country: 'DE', tags: ['VIP'] },
      { name: 'FR-1', country: 'FR', tags: ['vip', 'retail'] },
      { name: 'DE-2', country: 'Germany', tags: ['retail'] },
      { name: 'none', tags: ['VIP'] },
      { name: 'DE-3', country: 'de' },
    ];
    for (const spec of specs) {
      const res = await t.create({
        name: spec.name,
        ...(spec.country ? { address: { line1: '1 Main St', city: 'X', country: spec.country } } : {}),
        tags: spec.tags,
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      made[spec.name] = res.body.id;
    }
    // Another tenant with the same country and tag is never seen.
    await api().create({
      name: 'other DE',
      address: { line1: '1', city: 'X', country: 'DE' },
      tags: ['VIP'],
    });

    const germany = await t.list({ country: 'Germany', limit: '2' });
    assert.equal(germany.status, 200, JSON.stringify(germany.body));
    assert.deepEqual(germany.byCommand, { QueryCommand: 1 });
    assert.deepEqual(ids(germany), [made['DE-1'], made['DE-2']]);
    const rest = await t.list({ country: 'DE', limit: '2', cursor: germany.body.nextCursor });
    assert.deepEqual(rest.byCommand, { QueryCommand: 1 });
    assert.deepEqual(ids(rest), [made['DE-3']]);
    assert.equal(rest.body.nextCursor, undefined);
    assert.equal(rest.body.items[0].name, 'DE-3', 'the index gives the customer’s own fields');

    const vip = await t.list({ tag: 'Vip' });
    assert.deepEqual(vip.byCommand, { QueryCommand: 1, BatchGetItemCommand: 1 });
    assert.deepEqual(ids(vip), [made['DE-1'], made['FR-1'], made.none]);
    assert.deepEqual(vip.body.items[1], (await t.get(made['FR-1'] as string)).body);

    const paged = await t.list({ tag: 'retail', limit: '1' });
    assert.deepEqual(ids(paged), [made['FR-1']]);
    const next = await t.list({ tag: 'retail', limit: '1', cursor: paged.body.nextCursor });
    assert.deepEqual(ids(next), [made['DE-2']]);
    assert.equal(next.body.nextCursor, undefined);

    // A cursor of one list is no cursor of another.
    const crossed = await t.list({ tag: 'vip', limit: '1', cursor: paged.body.nextCursor });
    assert.equal(crossed.status, 400);
    assert.equal(crossed.body.errors[0].field, 'query.cursor');
    const both = await t.list({ country: 'DE', tag: 'vip' });
    assert.equal(both.status, 400);
    assert.equal(both.body.errors[0].field, 'query.tag');
    const atlantis = await t.list({ country: 'Atlantis' });
    assert.equal(atlantis.status, 400);
    assert.equal(atlantis.body.errors[0].field, 'query.country');
    assert.deepEqual(ids(await t.list({ tag: 'nobody-has-it' })), []);
  });

  it('pages a country one customer at a time, each page continuing after its own last customer', async () => {
    const t = api();
    const made: string[] = [];
    for (const name of ['PT-1', 'PT-2', 'PT-3']) {
      const res = await t.create({ name, address: { line1: '1', city: 'Porto', country: 'PT' } });
      made.push(res.body.id);
    }
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await t.list({ country: 'PT', limit: '1', ...(cursor ? { cursor } : {}) });
      assert.equal(page.status, 200, JSON.stringify(page.body));
      pages.push(ids(page));
      cursor = page.body.nextCursor;
    } while (cursor && pages.length < 5);
    // The last page is known as such (one more was asked for): no cursor after it.
    assert.deepEqual(
      pages,
      made.map((id) => [id]),
    );
  });

  it('a PATCH moves the customer between countries and tags in one transaction', async () => {
    const t = api();
    const created = await t.create({
      name: 'Mover',
      address: { line1: '1', city: 'Lyon', country: 'FR' },
      tags: ['a', 'b'],
    });
    const id = created.body.id;

    const retagged = await t.patch(id, 1, { tags: ['B', 'c'], name: 'Mover Ltd' });
    assert.equal(retagged.status, 200, JSON.stringify(retagged.body));
    // The current tags (one GetItem), then the update with the moved entries.
    assert.deepEqual(retagged.byCommand, { GetItemCommand: 1, TransactWriteItemsCommand: 1 });
    assert.deepEqual(ids(await t.list({ tag: 'a' })), []);
    assert.deepEqual(ids(await t.list({ tag: 'b' })), [id]);
    assert.deepEqual(ids(await t.list({ tag: 'c' })), [id]);
    assert.deepEqual(await entries(t.tenantId, id), ['TAG#b', 'TAG#c']);

    const moved = await t.patch(id, 2, { address: { line1: '2', city: 'Porto', country: 'Portugal' } });
    assert.equal(moved.status, 200);
    assert.deepEqual(ids(await t.list({ country: 'FR' })), []);
    assert.deepEqual(ids(await t.list({ country: 'PT' })), [id]);
    assert.equal((await t.list({ country: 'PT' })).body.items[0].name, 'Mover Ltd');

    const gone = await t.patch(id, 3, { address: null, tags: null });
    assert.equal(gone.status, 200);
    assert.deepEqual(ids(await t.list({ country: 'PT' })), []);
    assert.deepEqual(ids(await t.list({ tag: 'b' })), []);
    assert.deepEqual(await entries(t.tenantId, id), []);

    // A stale version moves nothing.
    const stale = await t.patch(id, 3, { tags: ['z'] });
    assert.equal(stale.status, 412);
    assert.deepEqual(ids(await t.list({ tag: 'z' })), []);
    assert.deepEqual(await entries(t.tenantId, id), []);
  });

  it('the open balance moving on the customer leaves the country index as it is', async () => {
    const t = api();
    const created = await t.create({ name: 'Busy', address: { line1: '1', city: 'Oslo', country: 'NO' } });
    await writeItems([changeOpenBalance(t.tenantId, created.body.id, 12_345)]);
    const [indexed] =
      (
        await documentClient.send(
          new QueryCommand({
            TableName: tables.domain,
            IndexName: 'customersByCountry',
            KeyConditionExpression: 'countryPk = :p',
            ExpressionAttributeValues: { ':p': `T#${t.tenantId}#CUSTOMERS#COUNTRY#NO` },
          }),
        )
      ).Items ?? [];
    assert.ok(indexed);
    assert.equal(indexed.openBalanceMinor, undefined, 'not projected: balance writes do not reach the index');
    assert.equal(indexed.name, 'Busy');
  });
});

/** The tag entries in the customer's partition. */
async function entries(tenantId: string, customerId: string) {
  const result = await documentClient.send(
    new QueryCommand({
      TableName: tables.domain,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :tag)',
      ExpressionAttributeValues: { ':pk': `T#${tenantId}#CUSTOMER#${customerId}`, ':tag': 'TAG#' },
    }),
  );
  return (result.Items ?? []).map((item) => item.sk as string);
}
