import assert from 'node:assert/strict';
import { afterAll, describe, it, vi } from 'vitest';
import { createTestTables } from '../support/database';
import { invoke, principal } from '../support/invoke';

/**
 * A need's status through PATCH against DynamoDB Local: the moves the lifecycle allows, each with
 * its history record (who, when, from, to, why), the ones it refuses (409), and the If-Match guard
 * (412 stale, 428 missing); the tenant's changes by period.
 */
const tables = await createTestTables();
afterAll(() => tables.drop());

const { setUpTenant } = await import('../support/orders');
const { handler: create } = await import('../../functions/needs/create');
const { handler: update } = await import('../../functions/needs/update');
const { handler: get } = await import('../../functions/needs/get');
const { handler: history } = await import('../../functions/needs/history');
const { handler: changes } = await import('../../functions/needs/changes');
const { handler: list } = await import('../../functions/needs/list');

const PATCH = 'PATCH /v1/needs/{needId}';

async function fixture() {
  const t = await setUpTenant();
  const sam = principal(t.tenantId, ['sales'], 'sam');
  const ada = principal(t.tenantId, ['admin'], 'ada');
  const newNeed = async (extra: Record<string, unknown> = {}) => {
    const res = await invoke(create, {
      routeKey: 'POST /v1/needs',
      principal: sam,
      body: { customerId: t.customerId, channel: 'email', title: 'Wants a quote', ...extra },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; version: number };
  };
  const patch = (who: typeof sam, needId: string, version: number | undefined, body: unknown) =>
    invoke(update, {
      routeKey: PATCH,
      pathParameters: { needId },
      principal: who,
      ...(version === undefined ? {} : { headers: { 'if-match': `"${version}"` } }),
      body,
    });
  return { ...t, sam, ada, newNeed, patch };
}

const historyOf = async (who: ReturnType<typeof principal>, needId: string, limit = 100) =>
  invoke(history, {
    routeKey: 'GET /v1/needs/{needId}/history',
    pathParameters: { needId },
    query: { limit: String(limit) },
    principal: who,
  });

describe('PATCH /v1/needs/{needId}', () => {
  it('moves a need NEW → QUALIFIED → IN_PROGRESS → FULFILLED, each move in its history', async () => {
    const t = await fixture();
    const need = await t.newNeed();
    const qualified = await t.patch(t.sam, need.id, 1, {
      status: 'QUALIFIED',
      statusReason: 'Budget confirmed',
    });
    assert.equal(qualified.status, 200, JSON.stringify(qualified.body));
    assert.equal(qualified.body.status, 'QUALIFIED');
    assert.equal(qualified.headers.etag, '"2"');
    const working = await t.patch(t.ada, need.id, 2, { status: 'IN_PROGRESS', priority: 'high' });
    assert.equal(working.body.priority, 'high');
    const done = await t.patch(t.sam, need.id, 3, { status: 'FULFILLED', statusReason: 'Delivered by hand' });
    assert.equal(done.status, 200);
    assert.equal(done.body.statusChangedAt, done.body.updatedAt);

    const records = await historyOf(t.sam, need.id);
    assert.equal(records.status, 200);
    assert.deepEqual(
      records.body.items.map((r: Record<string, unknown>) => [r.version, r.from, r.to, r.actor, r.reason]),
      [
        [1, undefined, 'NEW', { type: 'user', id: 'sam' }, undefined],
        [2, 'NEW', 'QUALIFIED', { type: 'user', id: 'sam' }, 'Budget confirmed'],
        [3, 'QUALIFIED', 'IN_PROGRESS', { type: 'user', id: 'ada' }, undefined],
        [4, 'IN_PROGRESS', 'FULFILLED', { type: 'user', id: 'sam' }, 'Delivered by hand'],
      ],
    );
    // Pages of two, with no gap and no repeat.
    const first = await historyOf(t.sam, need.id, 2);
    assert.equal(first.body.items.length, 2);
    const second = await invoke(history, {
      routeKey: 'GET /v1/needs/{needId}/history',
      pathParameters: { needId: need.id },
      query: { limit: '2', cursor: first.body.nextCursor },
      principal: t.sam,
    });
    assert.deepEqual(
      [...first.body.items, ...second.body.items].map((r: { version: number }) => r.version),
      [1, 2, 3, 4],
    );
    assert.equal(second.body.nextCursor, undefined);
  });

  it('refuses a move the lifecycle does not allow with a 409 naming from and to, and writes nothing', async () => {
    const t = await fixture();
    const need = await t.newNeed();
    const skip = await t.patch(t.sam, need.id, 1, { status: 'FULFILLED', title: 'Changed' });
    assert.equal(skip.status, 409);
    assert.equal(skip.body.type, 'urn:orderly:problem:invalid-need-transition');
    assert.equal(skip.body.from, 'NEW');
    assert.equal(skip.body.to, 'FULFILLED');
    assert.deepEqual(skip.body.allowed, ['QUALIFIED', 'IN_PROGRESS', 'DECLINED']);
    const read = await invoke(get, {
      routeKey: 'GET /v1/needs/{needId}',
      pathParameters: { needId: need.id },
      principal: t.sam,
    });
    assert.equal(read.body.title, 'Wants a quote');
    assert.equal(read.body.version, 1);

    assert.equal((await t.patch(t.sam, need.id, 1, { status: 'DECLINED' })).status, 200);
    const reopen = await t.patch(t.sam, need.id, 2, { status: 'NEW' });
    assert.equal(reopen.status, 409);
    assert.match(reopen.body.detail, /DECLINED is final/);
    assert.equal((await historyOf(t.sam, need.id)).body.items.length, 2);
  });

  it('needs If-Match: 428 without it, 412 with a stale version', async () => {
    const t = await fixture();
    const need = await t.newNeed();
    const missing = await t.patch(t.sam, need.id, undefined, { title: 'No version' });
    assert.equal(missing.status, 428);
    assert.equal((await t.patch(t.sam, need.id, 1, { title: 'First' })).status, 200);
    const stale = await t.patch(t.sam, need.id, 1, { status: 'QUALIFIED' });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.currentVersion, 2);
    const unknown = await t.patch(t.sam, '01J00000000000000000000000', 1, { title: 'x' });
    assert.equal(unknown.status, 404);
  });

  it('takes statusReason only with a status, and removes fields set to null', async () => {
    const t = await fixture();
    const need = await t.newNeed({ type: 'quote', tags: ['a'], quantity: 3 });
    const reasonAlone = await t.patch(t.sam, need.id, 1, { statusReason: 'why' });
    assert.equal(reasonAlone.status, 400);
    assert.equal(reasonAlone.body.errors[0].field, 'body.statusReason');
    const cleared = await t.patch(t.sam, need.id, 1, {
      type: null,
      tags: null,
      quantity: null,
      autoFulfil: false,
    });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.type, undefined);
    assert.equal(cleared.body.tags, undefined);
    assert.equal(cleared.body.quantity, undefined);
    assert.equal(cleared.body.autoFulfil, false);
  });

  it('moves the need’s index entries with it: the old status, type and tag no longer list it', async () => {
    const t = await fixture();
    const need = await t.newNeed({ type: 'quote', tags: ['old'] });
    const ids = async (query: Record<string, string>) =>
      (await invoke(list, { routeKey: 'GET /v1/needs', query, principal: t.sam })).body.items.map(
        (n: { id: string }) => n.id,
      );
    assert.deepEqual(await ids({ status: 'NEW' }), [need.id]);
    const changed = await t.patch(t.sam, need.id, 1, {
      status: 'QUALIFIED',
      type: 'repair',
      tags: ['new'],
      receivedAt: '2024-02-29T12:00:00Z',
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(await ids({ status: 'NEW' }), []);
    assert.deepEqual(await ids({ type: 'quote' }), []);
    assert.deepEqual(await ids({ tag: 'old' }), []);
    assert.deepEqual(await ids({ status: 'QUALIFIED' }), [need.id]);
    assert.deepEqual(await ids({ type: 'repair', from: '2024-02-29', to: '2024-03-01' }), [need.id]);
    assert.deepEqual(await ids({ tag: 'new' }), [need.id]);
    const listed = (await invoke(list, { routeKey: 'GET /v1/needs', query: {}, principal: t.sam })).body
      .items;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].version, 2, 'the entries hold the need as it is now');
  });
});

describe('GET /v1/needs/changes', () => {
  it('lists the status changes recorded in a period, oldest first, and not creations or other edits', async () => {
    const t = await fixture();
    let a: { id: string };
    let b: { id: string };
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-01-10T08:00:00Z'));
      a = await t.newNeed();
      b = await t.newNeed();
      vi.setSystemTime(new Date('2026-01-10T09:00:00Z'));
      await t.patch(t.sam, a.id, 1, { status: 'QUALIFIED', statusReason: 'Called back' });
      vi.setSystemTime(new Date('2026-01-10T10:00:00Z'));
      await t.patch(t.sam, b.id, 1, { title: 'Only a title' });
      await t.patch(t.ada, b.id, 2, { status: 'DECLINED' });
      vi.setSystemTime(new Date('2026-01-10T11:00:00Z'));
      await t.patch(t.sam, a.id, 2, { status: 'IN_PROGRESS' });
    } finally {
      vi.useRealTimers();
    }
    const period = async (query: Record<string, string>) =>
      invoke(changes, { routeKey: 'GET /v1/needs/changes', query, principal: t.sam });
    const all = await period({ since: '2026-01-10T00:00:00Z' });
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.deepEqual(
      all.body.items.map((c: Record<string, unknown>) => [c.at, c.needId, c.from, c.to, c.reason]),
      [
        ['2026-01-10T09:00:00.000Z', a.id, 'NEW', 'QUALIFIED', 'Called back'],
        ['2026-01-10T10:00:00.000Z', b.id, 'NEW', 'DECLINED', undefined],
        ['2026-01-10T11:00:00.000Z', a.id, 'QUALIFIED', 'IN_PROGRESS', undefined],
      ],
    );
    assert.equal(all.body.items[1].customerId, t.customerId);
    assert.deepEqual(all.body.items[1].actor, { type: 'user', id: 'ada' });
    // since inclusive, until exclusive.
    const window = await period({ since: '2026-01-10T10:00:00Z', until: '2026-01-10T11:00:00Z' });
    assert.deepEqual(
      window.body.items.map((c: { to: string }) => c.to),
      ['DECLINED'],
    );
    const backwards = await period({ since: '2026-01-10T10:00:00Z', until: '2026-01-10T09:00:00Z' });
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body.errors[0].field, 'query.until');
    const paged = await period({ since: '2026-01-10T00:00:00Z', limit: '2' });
    const rest = await period({ since: '2026-01-10T00:00:00Z', limit: '2', cursor: paged.body.nextCursor });
    assert.deepEqual(
      [...paged.body.items, ...rest.body.items].map((c: { to: string }) => c.to),
      ['QUALIFIED', 'DECLINED', 'IN_PROGRESS'],
    );
  });
});
