import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { createTestTables } from '../support/database';
import { invoke, principal } from '../support/invoke';
import { requestCounter } from '../support/request-count';

/**
 * A combined filter over a partition longer than one of its Queries (200 entries): the page reads
 * on only while it lacks a need, stops after the reads it was given, and says there is more only
 * when there is. needs-filters.test.ts covers partitions that one Query reads whole.
 */
const tables = await createTestTables();
const requests = requestCounter(tables);
afterAll(() => tables.drop());

const { setUpTenant } = await import('../support/orders');
const { createNeed } = await import('../../functions/needs/create-need');
const { NeedCreate } = await import('../../functions/needs/schemas');
const { listNeeds } = await import('../../functions/needs/list-store');
const { handler: list } = await import('../../functions/needs/list');

const t = await setUpTenant();
const sam = principal(t.tenantId, ['sales'], 'sam');

/**
 * 205 needs of one customer, a minute apart (index 204 the newest). One Query of the customer's
 * partition reads the newest 200 (indexes 204 to 5); the 5 oldest are IN_PROGRESS, three among
 * the newest 200 QUALIFIED, the others NEW.
 */
const COUNT = 205;
const QUALIFIED = [200, 150, 100];
const statusOf = (i: number) => (i < 5 ? 'IN_PROGRESS' : QUALIFIED.includes(i) ? 'QUALIFIED' : 'NEW');
const ids: string[] = [];
for (let start = 0; start < COUNT; start += 15) {
  const batch = Array.from({ length: Math.min(15, COUNT - start) }, (_, k) => start + k);
  const created = await Promise.all(
    batch.map((i) =>
      createNeed(
        sam,
        NeedCreate.parse({
          customerId: t.customerId,
          channel: 'email',
          status: statusOf(i),
          title: `Need ${i}`,
          receivedAt: new Date(Date.UTC(2025, 5, 1, 9, i)).toISOString(),
        }),
        new Date(),
      ),
    ),
  );
  created.forEach((need, k) => {
    ids[start + k] = need.id;
  });
}

describe('GET /v1/needs: a combined filter over a partition longer than one Query', () => {
  it('a page that holds every match reads on to the end once, and says there is no more', async () => {
    const { response, byCommand } = await requests.run('listNeeds', () =>
      invoke(list, {
        routeKey: 'GET /v1/needs',
        query: { customerId: t.customerId, status: 'QUALIFIED', limit: '3' },
        principal: sam,
      }),
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(
      response.body.items.map((n: { id: string }) => n.id),
      QUALIFIED.map((i) => ids[i]),
    );
    // The first Query found the page's 3 needs; a second looked for a fourth among the 5 left.
    assert.deepEqual(byCommand, { QueryCommand: 2 });
    assert.equal(response.body.nextCursor, undefined);
  });

  it('a page finds matches beyond the first 200 entries', async () => {
    const { response, byCommand } = await requests.run('listNeeds', () =>
      invoke(list, {
        routeKey: 'GET /v1/needs',
        query: { customerId: t.customerId, status: 'IN_PROGRESS', limit: '10' },
        principal: sam,
      }),
    );
    assert.deepEqual(
      response.body.items.map((n: { id: string }) => n.id),
      [4, 3, 2, 1, 0].map((i) => ids[i]),
    );
    assert.deepEqual(byCommand, { QueryCommand: 2 });
    assert.equal(response.body.nextCursor, undefined);
  });

  it('stops after the reads it was given, with a cursor that goes on where they stopped', async () => {
    const filter = { customerId: t.customerId, status: 'IN_PROGRESS' as const };
    const first = await requests.run('listNeeds', () =>
      listNeeds(t.tenantId, filter, { limit: 10, maxReads: 1 }),
    );
    assert.deepEqual(first.response.items, []);
    assert.deepEqual(first.byCommand, { QueryCommand: 1 });
    assert.ok(first.response.nextCursor, 'more entries are left to read');
    const second = await requests.run('listNeeds', () =>
      listNeeds(t.tenantId, filter, { limit: 10, maxReads: 1, cursor: first.response.nextCursor }),
    );
    assert.deepEqual(
      second.response.items.map((n) => n.id),
      [4, 3, 2, 1, 0].map((i) => ids[i]),
    );
    assert.deepEqual(second.byCommand, { QueryCommand: 1 });
    assert.equal(second.response.nextCursor, undefined);
  });
});
