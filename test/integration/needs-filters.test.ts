import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { createTestTables } from '../support/database';
import { type InvokeResult, invoke, principal } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/**
 * `GET /v1/needs` and `GET /v1/needs/export` over a tenant's varied needs: every filter, alone and
 * combined, with and without a period, gives exactly what a direct computation over the needs
 * gives, page after page; a single filter (or none) costs exactly one Query per page; the requests
 * are checked against the manifest's grants by the twin's local IAM.
 */
const tables = await createTestTables();
const requests = requestCounter(tables);
afterAll(() => tables.drop());

const { setUpTenant } = await import('../support/orders');
const { createCustomer } = await import('../../functions/customers/store');
const { createNeed } = await import('../../functions/needs/create-need');
const { NeedCreate } = await import('../../functions/needs/schemas');
const { handler: list } = await import('../../functions/needs/list');
const { handler: exportNeeds } = await import('../../functions/needs/export');
const { handler: create } = await import('../../functions/needs/create');
const { handler: update } = await import('../../functions/needs/update');

type Need = {
  id: string;
  customerId: string;
  type?: string;
  channel: string;
  status: string;
  productIds?: string[];
  tags?: string[];
  receivedAt: string;
  title: string;
};

const t = await setUpTenant();
const sam = principal(t.tenantId, ['sales'], 'sam');
const second = await createCustomer(t.tenantId, { name: 'Bea GmbH' }, new Date().toISOString());
const customers = [t.customerId, second.id];
const products = [t.products.WIDGET as string, t.products.GADGET as string];
const TYPES = ['quote', 'repair', undefined];
const CHANNELS = ['call', 'email', 'survey', 'web_form'];
const STATUSES = ['NEW', 'QUALIFIED', 'IN_PROGRESS', 'DECLINED'];
const TAGS = ['vip', 'q1', 'export'];

/** 45 needs whose values cycle with different periods, so every combination occurs. */
const needs: Need[] = [];
for (let i = 0; i < 45; i++) {
  const type = TYPES[i % 3];
  const input = NeedCreate.parse({
    customerId: customers[i % 2],
    ...(type ? { type } : {}),
    channel: CHANNELS[i % 4],
    status: STATUSES[i % 5 === 4 ? 0 : i % 4],
    title: i === 8 ? '=HYPERLINK("http://evil")' : `Need ${i}`,
    ...(i % 5 === 0 ? {} : { productIds: i % 5 === 1 ? products : [products[i % 2]] }),
    ...(i % 7 === 0 ? {} : { tags: TAGS.filter((_, k) => (i >> k) & 1) }),
    ...(i === 16
      ? { estimatedValue: { amountMinor: 123_405, currency: 'EUR' }, quantity: 4, priority: 'high' }
      : {}),
    // Received a day apart, some at the same instant (the id then orders them).
    receivedAt: new Date(Date.UTC(2025, 0, 1 + Math.floor(i / 2) * 3, 9)).toISOString(),
  });
  needs.push((await createNeed(sam, input, new Date())) as Need);
}

const newestFirst = (a: Need, b: Need) =>
  a.receivedAt === b.receivedAt ? (a.id < b.id ? 1 : -1) : a.receivedAt < b.receivedAt ? 1 : -1;

/** What the filters select, computed directly over the needs (the notebook's answer). */
function expected(query: Record<string, string>): string[] {
  return needs
    .filter(
      (n) =>
        (query.type === undefined || n.type === query.type) &&
        (query.channel === undefined || n.channel === query.channel) &&
        (query.status === undefined || n.status === query.status) &&
        (query.customerId === undefined || n.customerId === query.customerId) &&
        (query.productId === undefined || (n.productIds ?? []).includes(query.productId)) &&
        (query.tag === undefined || (n.tags ?? []).includes(query.tag)) &&
        (query.from === undefined || n.receivedAt >= new Date(query.from).toISOString()) &&
        (query.to === undefined || n.receivedAt < new Date(query.to).toISOString()),
    )
    .sort(newestFirst)
    .map((n) => n.id);
}

/** Every page of a listing, with the DynamoDB requests of each. */
async function allPages(query: Record<string, string>, limit = 4) {
  const ids: string[] = [];
  const perPage: Record<string, number>[] = [];
  let cursor: string | undefined;
  do {
    const { response, byCommand } = await requests.run('listNeeds', () =>
      invoke(list, {
        routeKey: 'GET /v1/needs',
        query: { ...query, limit: String(limit), ...(cursor ? { cursor } : {}) },
        principal: sam,
      }),
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    ids.push(...response.body.items.map((n: { id: string }) => n.id));
    perPage.push(byCommand);
    cursor = response.body.nextCursor;
  } while (cursor);
  return { ids, perPage };
}

const SINGLE: Record<string, string>[] = [
  {},
  { type: 'repair' },
  { channel: 'survey' },
  { status: 'QUALIFIED' },
  { customerId: second.id },
  { productId: products[1] as string },
  { tag: 'vip' },
  { from: '2025-02-01', to: '2025-03-15T12:00:00Z' },
  { status: 'NEW', from: '2025-01-20' },
  { tag: 'q1', to: '2025-02-10' },
];

describe('GET /v1/needs: each filter one Query', () => {
  for (const query of SINGLE) {
    it(`${JSON.stringify(query)}: exactly the needs it selects, newest first, one Query per page`, async () => {
      const want = expected(query);
      assert.ok(want.length >= 2, 'the fixture has needs for every filter');
      const { ids, perPage } = await allPages(query);
      assert.deepEqual(ids, want);
      for (const requestsOfPage of perPage) assert.deepEqual(requestsOfPage, { QueryCommand: 1 });
      // The last full page asks for one more than it shows: no empty page after it.
      assert.equal(perPage.length, Math.max(1, Math.ceil(want.length / 4)));
    });
  }

  const COMBINED: Record<string, string>[] = [
    { customerId: t.customerId, status: 'IN_PROGRESS' },
    { productId: products[0] as string, tag: 'q1', channel: 'call' },
    { type: 'quote', channel: 'email', from: '2025-01-10' },
    { status: 'NEW', channel: 'web_form' },
  ];
  for (const query of COMBINED) {
    it(`${JSON.stringify(query)}: the most selective partition, the others filtered within it`, async () => {
      const want = expected(query);
      const { ids, perPage } = await allPages(query, 3);
      assert.deepEqual(ids, want);
      // A combined filter's Query looks at 200 entries, more than this tenant's partitions hold:
      // each page is one Query and every page but the last is full.
      for (const requestsOfPage of perPage) assert.deepEqual(requestsOfPage, { QueryCommand: 1 });
      assert.equal(perPage.length, Math.max(1, Math.ceil(want.length / 3)));
    });
  }

  it('refuses a period that ends before it starts, and a cursor of another list', async () => {
    const backwards = await invoke(list, {
      routeKey: 'GET /v1/needs',
      query: { from: '2025-03-01', to: '2025-02-01' },
      principal: sam,
    });
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body.errors[0].field, 'query.to');
    const page = await invoke(list, { routeKey: 'GET /v1/needs', query: { limit: '2' }, principal: sam });
    const mixed = await invoke(list, {
      routeKey: 'GET /v1/needs',
      query: { status: 'NEW', cursor: page.body.nextCursor },
      principal: sam,
    });
    assert.equal(mixed.status, 400);
    assert.equal(mixed.body.errors[0].field, 'query.cursor');
  });
});

describe('needs: DynamoDB requests of the writes, within the manifest grants', () => {
  it('createNeed: one BatchGetItem (customer and products), one transaction; untyped, one GetItem of the latest classifier', async () => {
    // Another tenant: the listings above see the fixture's needs only.
    const other = await setUpTenant();
    const products = Object.values(other.products);
    const { response, byCommand } = await requests.run('createNeed', () =>
      invoke(create, {
        routeKey: 'POST /v1/needs',
        principal: other.sales,
        body: {
          customerId: other.customerId,
          channel: 'call',
          title: 'Counted',
          productIds: products,
          tags: ['x'],
        },
      }),
    );
    assert.equal(response.status, 201);
    // No type given: the latest classifier's pointer is read for a suggestion (none yet: no model read).
    assert.deepEqual(byCommand, { BatchGetItemCommand: 1, GetItemCommand: 1, TransactWriteItemsCommand: 1 });
    const patched = await requests.run('updateNeed', () =>
      invoke(update, {
        routeKey: 'PATCH /v1/needs/{needId}',
        pathParameters: { needId: response.body.id },
        headers: { 'if-match': '"1"' },
        principal: other.sales,
        body: { status: 'QUALIFIED', productIds: [products[0]], tags: ['y'] },
      }),
    );
    assert.equal(patched.response.status, 200);
    // The need (consistent GetItem) and one transaction: no new product to check.
    assert.deepEqual(patched.byCommand, { GetItemCommand: 1, TransactWriteItemsCommand: 1 });
  });
});

describe('GET /v1/needs/export', () => {
  it('streams the filtered needs as CSV in bounded parts linked by rel="next"', async () => {
    const query = { channel: 'call' };
    const rows: string[][] = [];
    let header: string[] | undefined;
    let next: string | undefined = '/v1/needs/export?channel=call&limit=5';
    let parts = 0;
    while (next) {
      const url: URL = new URL(next, 'http://localhost');
      const { response, byCommand }: { response: InvokeResult; byCommand: Record<string, number> } =
        await requests.run('exportNeeds', () =>
          invoke(exportNeeds, {
            routeKey: 'GET /v1/needs/export',
            path: url.pathname,
            query: Object.fromEntries(url.searchParams),
            principal: sam,
          }),
        );
      assert.equal(response.status, 200);
      assert.match(response.headers['content-type'] ?? '', /^text\/csv/);
      assert.match(response.headers['content-disposition'] ?? '', /attachment; filename="needs.csv"/);
      assert.deepEqual(byCommand, { QueryCommand: 1 });
      const lines = (response.body as string).split('\r\n');
      assert.equal(lines.pop(), '', 'every line ends with CRLF');
      header = (lines.shift() as string).split(',');
      rows.push(...lines.map((line) => parseLine(line)));
      parts++;
      const link = response.headers.link;
      next = link ? (/^<([^>]+)>; rel="next"$/.exec(link)?.[1] as string) : undefined;
    }
    const want = expected(query);
    assert.equal(parts, Math.ceil(want.length / 5));
    assert.deepEqual(header?.slice(0, 8), [
      'id',
      'receivedAt',
      'customerId',
      'type',
      'channel',
      'status',
      'priority',
      'title',
    ]);
    const column = (name: string) => header?.indexOf(name) as number;
    assert.deepEqual(
      rows.map((row) => row[column('id')]),
      want,
    );
    const valued = rows.find((row) => row[column('id')] === needs[16]?.id) as string[];
    assert.equal(valued[column('estimatedValue')], '1234.05');
    assert.equal(valued[column('estimatedValueMinor')], '123405');
    assert.equal(valued[column('currency')], 'EUR');
    assert.equal(valued[column('quantity')], '4');
    assert.equal(valued[column('priority')], 'high');
    assert.equal(valued[column('productIds')], products.join('; '));
    const hostile = rows.find((row) => row[column('id')] === needs[8]?.id);
    assert.equal(hostile?.[column('title')], `'=HYPERLINK("http://evil")`, 'a formula is defused');
  });

  it('refuses more than 1,000 rows per part', async () => {
    const res = await invoke(exportNeeds, {
      routeKey: 'GET /v1/needs/export',
      query: { limit: '1001' },
      principal: sam,
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'query.limit');
  });
});

/** One RFC 4180 line: quoted fields may hold commas and doubled quotes (no line breaks in this data). */
function parseLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}
