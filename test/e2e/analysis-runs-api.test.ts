import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { type ApiClient, startTestTwin, tenantTokens } from '../support/twin';
import { ok, openShop } from '../support/workflow';

/**
 * An analysis run through the real API on the twin: queued by POST (202, Location), refused while
 * it is active (409 naming it), carried by the table's stream to the consumer that runs it, and
 * followed with GET until it is final; who may ask, and that another tenant cannot see it.
 */
const twin = await startTestTwin();
afterAll(() => twin.stop());

const FINAL = ['SUCCEEDED', 'FAILED'];

/** Polls the run until it is final, reporting each state it saw (progress must only grow). */
async function untilFinal(api: ApiClient, location: string) {
  const seen: { status: string; phase: string; recordsRead: number }[] = [];
  for (let attempt = 0; attempt < 2_000; attempt++) {
    const res = await api.get(location);
    ok(res);
    seen.push({ status: res.body.status, phase: res.body.phase, recordsRead: res.body.progress.recordsRead });
    if (FINAL.includes(res.body.status)) return { run: res.body, seen };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the run at ${location} did not finish: ${JSON.stringify(seen.at(-1))}`);
}

describe('analysis runs over the API', () => {
  it('are queued, run by the stream consumer, followed to the end; one at a time; analysts and admins only', {
    timeout: 600_000,
  }, async () => {
    const shop = await openShop(twin);
    const analyst = twin.client(
      await twin.token({ tenantId: shop.tenantId, userId: 'ana', roles: ['analyst'] }),
    );
    const types = ['complaint', 'spare_parts', 'pricing'];
    for (let i = 0; i < 12; i++) {
      ok(
        await shop.sales.post('/v1/needs', {
          customerId: shop.customerId,
          channel: 'call',
          type: types[i % types.length],
          title: `Need ${i} about the ${i % 2 ? 'pump' : 'mixer'}`,
          estimatedValue: { amountMinor: 1_000 * (i + 1), currency: 'EUR' },
        }),
        201,
      );
    }

    assert.equal((await shop.sales.post('/v1/analysis/runs', {})).status, 403, 'sales may not run one');

    // Two at once: one is queued, the other told which run is active.
    const [a, b] = await Promise.all([
      analyst.post('/v1/analysis/runs', { seed: 11, segments: { k: 2 } }),
      analyst.post('/v1/analysis/runs', { seed: 12 }),
    ]);
    const [queued, refused] = a.status === 202 ? [a, b] : [b, a];
    assert.equal(queued.status, 202, queued.text);
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.activeRunId, queued.body.id);
    const location = queued.headers.get('location') as string;
    assert.equal(location, `/v1/analysis/runs/${queued.body.id}`);
    assert.equal(queued.body.status, 'QUEUED');

    const { run, seen } = await untilFinal(analyst, location);
    assert.equal(run.status, 'SUCCEEDED', JSON.stringify(run.error ?? run.results));
    assert.equal(run.trigger, 'api');
    assert.equal(run.requestedBy, 'ana');
    assert.equal(run.parameters.seed, queued.body.parameters.seed);
    assert.ok(run.startedAt && run.finishedAt && Number.isInteger(run.durationMs));
    assert.ok(run.inputs.needs >= 12, JSON.stringify(run.inputs));
    for (const kind of run.kinds)
      assert.ok(run.results[kind]?.status, `${kind}: ${JSON.stringify(run.results)}`);
    const reads = seen.map((s) => s.recordsRead);
    assert.deepEqual(
      reads,
      [...reads].sort((x, y) => x - y),
      'progress never goes back',
    );

    // Its finish released the tenant's lock: the next run is queued.
    const next = await analyst.post('/v1/analysis/runs', { kinds: ['trends'] });
    assert.equal(next.status, 202, next.text);
    await untilFinal(analyst, next.headers.get('location') as string);

    const listed = await analyst.get('/v1/analysis/runs');
    ok(listed);
    assert.deepEqual(
      listed.body.items.map((r: { id: string }) => r.id),
      [next.body.id, run.id],
      'newest first',
    );

    // Who may read it: the tenant's admins and analysts; sales get 403, another tenant 404.
    ok(await shop.admin.get(location));
    assert.equal((await shop.sales.get(location)).status, 403);
    const stranger = twin.client((await tenantTokens(twin, ['analyst'])).token);
    assert.equal((await stranger.get(location)).status, 404);
    assert.deepEqual((await stranger.get('/v1/analysis/runs')).body.items, []);
  });
});
