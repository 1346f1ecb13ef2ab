import assert from 'node:assert/strict';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, describe, it } from 'vitest';
import type { CloudEvent } from '../../functions/events/envelope';
import type { Principal } from '../../functions/shared/auth/principal';
import { documentClient } from '../../functions/shared/db/client';
import { newId } from '../../functions/shared/ids';
import { createTestTables } from '../support/database';
import { fakeContext, invoke, principal, uniqueTenant } from '../support/invoke';
import { requestCounter } from '../support/request-count';
import { streamRecord, timelineItem } from '../support/stream-records';

/**
 * The pull feed end to end in one process: timeline items as the order store writes them, carried
 * by Lambda-shaped stream records to the projector (ProjectEventFeed), then read through
 * `GET /v1/events` (listEvents), each as its manifest function (local IAM checks the grants and
 * counts the requests).
 */
const tables = await createTestTables();
const { handler: project } = await import('../../functions/events/project-feed');
const { handler: list } = await import('../../functions/events/list');
const { handler: eventTypes } = await import('../../functions/events/event-types');
const requests = requestCounter(tables);
afterAll(() => tables.drop());
afterEach(() => {
  delete process.env.EVENT_FEED_SETTLE_SECONDS;
});

const HOUR = 3_600_000;

const recordOf = (item: Record<string, unknown>) => streamRecord(item);

/** Delivers records to the projector in batches of 25, as its event source mapping would. */
async function projectAll(records: DynamoDBRecord[]) {
  for (let i = 0; i < records.length; i += 25) {
    const event: DynamoDBStreamEvent = { Records: records.slice(i, i + 25) };
    const { response } = await requests.run('projectEventFeed', () => project(event, fakeContext()));
    assert.deepEqual(response, { batchItemFailures: [] });
  }
}

/**
 * `orders` orders of `perOrder` events each, their times interleaved across orders (two events of an
 * order share a millisecond, as Advance's decision and reservation do), delivered by three "shards"
 * (orders hashed over them) one shard after another: not in time order, as separate consumers are.
 */
async function feedOf(tenantId: string, orders: number, perOrder: number, start: number) {
  const ids = Array.from({ length: orders }, () => newId());
  const shards: DynamoDBRecord[][] = [[], [], []];
  ids.forEach((orderId, o) => {
    for (let seq = 1; seq <= perOrder; seq++) {
      const step = seq === 3 ? 2 : seq; // seq 2 and 3 in the same millisecond
      const at = new Date(start + (step * orders + o) * 1000);
      shards[o % 3]?.push(recordOf(timelineItem(tenantId, orderId, seq, at)));
    }
  });
  for (const shard of [shards[2], shards[0], shards[1]]) await projectAll(shard ?? []);
  return ids;
}

const integration = (tenantId: string, scopes: string[]): Principal => ({
  ...principal(tenantId, ['integration'], 'erp'),
  scopes,
});

async function page(who: Principal, query: Record<string, string> = {}) {
  const { response, byCommand } = await requests.run('listEvents', () =>
    invoke(list, { routeKey: 'GET /v1/events', query, principal: who }),
  );
  return { ...response, requests: byCommand };
}

/** Reads the whole feed page by page; every page is one Query. */
async function readAll(who: Principal, query: Record<string, string> = {}) {
  const events: CloudEvent[] = [];
  const sizes: number[] = [];
  let after: string | undefined;
  for (;;) {
    const res = await page(who, { ...query, limit: '100', ...(after ? { after } : {}) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.requests, { QueryCommand: 1 });
    sizes.push(res.body.items.length);
    events.push(...res.body.items);
    if (res.body.items.length === 0) {
      assert.equal(res.body.nextCursor, after, 'an empty page keeps the poller where it was');
      return { events, sizes, cursor: after };
    }
    after = res.body.nextCursor;
  }
}

const tenantA = uniqueTenant('ev');
const tenantB = uniqueTenant('ev');
const start = Date.now() - 2 * HOUR;
const ordersOfA = await feedOf(tenantA, 10, 25, start);
await feedOf(tenantB, 3, 10, start + 500);

describe('GET /v1/events', () => {
  it('pages through 250 events in commit order per order, one Query per page, and never shows another tenant’s', async () => {
    const { events, sizes } = await readAll(principal(tenantA, ['admin']));
    assert.deepEqual(sizes, [100, 100, 50, 0]);
    assert.equal(events.length, 250);
    assert.equal(new Set(events.map((e) => e.id)).size, 250, 'each event once');
    assert.ok(
      events.every((e) => e.tenantid === tenantA),
      'only the caller’s tenant',
    );
    for (const orderId of ordersOfA) {
      const seqs = events.filter((e) => e.subject === `orders/${orderId}`).map((e) => e.data.seq);
      assert.deepEqual(
        seqs,
        Array.from({ length: 25 }, (_, i) => i + 1),
        `orders/${orderId} in commit order`,
      );
    }
    const times = events.map((e) => e.time);
    assert.deepEqual(times, [...times].sort(), 'across orders, by time');
    assert.deepEqual(Object.keys(events[0] as object), [
      'specversion',
      'id',
      'source',
      'type',
      'subject',
      'time',
      'datacontenttype',
      'tenantid',
      'data',
    ]);

    const other = await readAll(integration(tenantB, ['events:read']));
    assert.equal(other.events.length, 30);
    assert.ok(other.events.every((e) => e.tenantid === tenantB));
  });

  it('filters by type in one Query of the type index; a position of the whole feed serves it too', async () => {
    const admin = principal(tenantA, ['admin']);
    const submitted = await readAll(admin, { type: 'orderly.order.submitted' });
    assert.equal(submitted.events.length, 10);
    assert.ok(submitted.events.every((e) => e.type === 'orderly.order.submitted' && e.tenantid === tenantA));

    // Submissions happen in the first 10 seconds of the feed: after its first page, none is left.
    const first = await page(admin, { limit: '100' });
    const rest = await page(admin, { type: 'orderly.order.submitted', after: first.body.nextCursor });
    assert.deepEqual([rest.status, rest.body.items.length, rest.requests], [200, 0, { QueryCommand: 1 }]);
    const shipped = await page(admin, {
      type: 'orderly.order.shipped',
      after: first.body.nextCursor,
      limit: '5',
    });
    assert.equal(shipped.body.items.length, 5);
    const last = first.body.items.at(-1) as CloudEvent;
    assert.ok(
      shipped.body.items.every((e: CloudEvent) => e.type === 'orderly.order.shipped' && e.time >= last.time),
    );
  });

  it('adds an event once however often the stream delivers it (idempotent by id)', async () => {
    const tenantId = uniqueTenant('ev');
    const record = recordOf(timelineItem(tenantId, newId(), 1, new Date(start)));
    await projectAll([record]);
    await projectAll([record, record]);
    const stored = await documentClient.send(
      new QueryCommand({
        TableName: tables.events,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `T#${tenantId}#EVENTS` },
      }),
    );
    assert.equal(stored.Count, 1);
    const item = stored.Items?.[0] ?? {};
    assert.equal(item.expiresAt, Math.floor(start / 1000) + 30 * 86_400, 'kept 30 days');
    assert.equal((await readAll(principal(tenantId, ['admin']))).events.length, 1);
  });

  it('says whether it added the event, and passes on any failure other than “already there”', async () => {
    const tenantId = uniqueTenant('ev');
    const { projectEvent } = await import('../../functions/events/feed-store');
    const { toDomainEvent } = await import('../../functions/events/envelope');
    const { dynamodb } = await import('../../functions/shared/db/client');
    const event = toDomainEvent(timelineItem(tenantId, newId(), 1, new Date(start)));
    assert.equal(await projectEvent(event), 'added');
    assert.equal(await projectEvent(event), 'already-there');
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'PutItemCommand') return next(args);
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
          name: 'ThrottlingException',
        });
      },
      { step: 'initialize', name: 'throttle-puts' },
    );
    try {
      const other = toDomainEvent(timelineItem(tenantId, newId(), 1, new Date(start)));
      await assert.rejects(projectEvent(other), { name: 'ThrottlingException' });
    } finally {
      dynamodb.middlewareStack.remove('throttle-puts');
    }
  });

  it('shows only events older than the settle window, and keeps the poller’s place until they are', async () => {
    const tenantId = uniqueTenant('ev');
    const admin = principal(tenantId, ['admin']);
    const orderId = newId();
    await projectAll([
      recordOf(timelineItem(tenantId, orderId, 1, new Date(Date.now() - 2 * HOUR))),
      recordOf(timelineItem(tenantId, orderId, 2, new Date(Date.now() - 10 * 60_000))),
    ]);
    process.env.EVENT_FEED_SETTLE_SECONDS = '3600';
    const first = await page(admin);
    assert.deepEqual(
      first.body.items.map((e: CloudEvent) => e.data.seq),
      [1],
    );
    const waiting = await page(admin, { after: first.body.nextCursor });
    assert.deepEqual([waiting.body.items.length, waiting.body.nextCursor], [0, first.body.nextCursor]);

    process.env.EVENT_FEED_SETTLE_SECONDS = '0';
    const settled = await page(admin, { after: first.body.nextCursor });
    assert.deepEqual(
      settled.body.items.map((e: CloudEvent) => e.data.seq),
      [2],
    );

    // A longer window than the one the cursor was read under: nothing after it is old enough yet.
    process.env.EVENT_FEED_SETTLE_SECONDS = '3600';
    const behind = await page(admin, { after: settled.body.nextCursor });
    assert.deepEqual([behind.body.items.length, behind.body.nextCursor], [0, settled.body.nextCursor]);
    assert.deepEqual(behind.requests, {}, 'no Query: its start key would lie outside the range');
  });

  it('starts an empty feed with a cursor to poll from', async () => {
    const tenantId = uniqueTenant('ev');
    const admin = principal(tenantId, ['admin']);
    const empty = await page(admin);
    assert.deepEqual([empty.status, empty.body.items], [200, []]);
    await projectAll([recordOf(timelineItem(tenantId, newId(), 1, new Date(start)))]);
    const next = await page(admin, { after: empty.body.nextCursor });
    assert.equal(next.body.items.length, 1);
  });

  it('refuses a cursor it did not issue for this tenant’s feed, and unknown types, with a 400 naming the field', async () => {
    const admin = principal(tenantA, ['admin']);
    const ofB = (await page(principal(tenantB, ['admin']), { limit: '1' })).body.nextCursor as string;
    const ofA = (await page(admin, { limit: '1' })).body.nextCursor as string;
    const tampered = `${ofA.slice(0, 10)}${ofA[10] === 'A' ? 'B' : 'A'}${ofA.slice(11)}`;
    for (const after of [ofB, tampered, 'not-a-cursor', `${ofA}x`]) {
      const res = await page(admin, { after });
      assert.equal(res.status, 400, after);
      assert.equal(res.body.errors[0].field, 'query.after');
      assert.deepEqual(res.requests, {}, 'refused before any read');
    }
    const bad: Record<string, string>[] = [
      { type: 'orderly.order.unknown' },
      { type: 'SHIPPED' },
      { limit: '0' },
      { limit: '101' },
    ];
    for (const query of bad) {
      const res = await page(admin, query);
      assert.equal(res.status, 400, JSON.stringify(query));
      assert.equal(res.body.errors[0].field, `query.${Object.keys(query)[0]}`);
    }
  });

  it('is for admins and integrations with events:read only', async () => {
    for (const who of [principal(tenantA, ['admin']), integration(tenantA, ['events:read'])])
      assert.equal((await page(who, { limit: '1' })).status, 200);
    for (const role of ['sales', 'approver', 'fulfilment', 'analyst', 'finance'] as const)
      assert.equal((await page(principal(tenantA, [role]), { limit: '1' })).status, 403, role);
    assert.equal((await page(integration(tenantA, ['orders:read']), { limit: '1' })).status, 403);
  });
});

describe('GET /v1/event-types', () => {
  const read = async (who: Principal) => {
    const { response, byCommand } = await requests.run('listEventTypes', () =>
      invoke(eventTypes, { routeKey: 'GET /v1/event-types', principal: who }),
    );
    return { ...response, requests: byCommand };
  };

  it('lists every type with its description and data schema, for any role, without a read', async () => {
    const res = await read(principal(tenantA, ['sales']));
    assert.equal(res.status, 200);
    assert.deepEqual(res.requests, {});
    assert.equal(res.body.items.length, 18);
    const approved = res.body.items.find((t: { type: string }) => t.type === 'orderly.order.approved');
    assert.equal(approved.timelineType, 'APPROVAL_GRANTED');
    assert.deepEqual(approved.dataSchema.required, ['orderId', 'seq', 'status', 'actor', 'level', 'role']);
    assert.equal((await read(integration(tenantA, ['events:read']))).status, 200);
    assert.equal((await read(integration(tenantA, ['orders:read']))).status, 403);
  });
});
