import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { crashTestShop } from '../support/npm-start';

/**
 * The outbox across a real crash: `npm start`'s node process is killed with SIGKILL while the
 * stream poller is delivering the orders' timeline events, and started again on the same data.
 * What the `publishEvents` consumer delivered is read from the local bus's archive
 * (.data/eventbridge/events.jsonl), which the twin appends to as the bus accepts each event:
 * every committed timeline event must be there, once after de-duplication by id, and in commit
 * order per order; a repeat is only what was in flight at the kill.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TENANT = `stream-crash-${process.pid}`;
const ORDERS = 24;

interface Archived {
  detail: { id: string; tenantid: string; data: { orderId: string; seq: number } };
}

function archived(dataDir: string): Archived['detail'][] {
  const file = join(dataDir, 'eventbridge', 'events.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => (JSON.parse(line) as Archived).detail)
    .filter((event) => event.tenantid === TENANT);
}

describe('the outbox across a crash of the twin', () => {
  it('SIGKILL mid-delivery, restart: every timeline event reaches the consumer once (de-duplicated) and in order', async () => {
    const shop = await crashTestShop(TENANT, { sku: 'STREAM-1', onHand: 10_000 });
    const { api, first } = shop;
    const created = await Promise.all(
      Array.from({ length: ORDERS }, () =>
        api.post('/v1/orders', {
          customerId: shop.customerId,
          currency: 'EUR',
          lines: [{ sku: 'STREAM-1', quantity: 1 }],
        }),
      ),
    );
    assert.deepEqual(
      created.map((r) => r.status),
      created.map(() => 201),
    );
    const ids = created.map((r) => r.body.id as string);

    // Kill as soon as the consumer has delivered the first events, with the workflows' later ones to come.
    const deadline = Date.now() + 60_000;
    while (archived(first.dataDir).length === 0) {
      assert.ok(Date.now() < deadline, 'no event was delivered');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await shop.crash();
    const atKill = archived(first.dataDir).length;

    await shop.restart();
    // Every order moves on (the reconciler at start), and its events arrive.
    const timelines = new Map<string, number[]>();
    const until = Date.now() + 180_000;
    for (const id of ids) {
      for (;;) {
        const order = (await api.get(`/v1/orders/${id}`)).body;
        if (order.status === 'IN_FULFILMENT') break;
        assert.ok(Date.now() < until, `order ${id} stays ${order.status}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const timeline = (await api.get(`/v1/orders/${id}/timeline?limit=100`)).body.items as { seq: number }[];
      timelines.set(
        id,
        timeline.map((e) => e.seq),
      );
    }
    const expected = [...timelines.values()].reduce((sum, seqs) => sum + seqs.length, 0);
    for (;;) {
      const distinct = new Set(archived(first.dataDir).map((e) => e.id)).size;
      if (distinct >= expected) break;
      assert.ok(Date.now() < until, `${distinct} of ${expected} events delivered`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const delivered = archived(first.dataDir);
    assert.ok(atKill < expected, 'everything was delivered before the kill: the test proves nothing');

    // Once after de-duplication, in commit order per order.
    const firstSeen = new Map<string, number[]>();
    const seen = new Set<string>();
    for (const event of delivered) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
      const seqs = firstSeen.get(event.data.orderId) ?? [];
      seqs.push(event.data.seq);
      firstSeen.set(event.data.orderId, seqs);
    }
    for (const [id, seqs] of timelines) assert.deepEqual(firstSeen.get(id), seqs, `events of order ${id}`);
    const repeats = delivered.length - seen.size;
    console.info(
      `stream crash: ${expected} events, ${atKill} delivered before the kill, ${repeats} delivered again after it`,
    );
    // A restart repeats at most the batch each shard had in flight (batches of 25).
    assert.ok(repeats <= 25 * 4, `${repeats} repeats`);

    // `npm run job` runs the reconciler now in this twin, over its control socket in .data/.
    const job = spawnSync('npm', ['run', '-s', 'job', '--', 'reconcileOrders'], {
      cwd: ROOT,
      env: { ...process.env, ORDERLY_DATA_DIR: first.dataDir },
      encoding: 'utf8',
    });
    assert.equal(job.status, 0, job.stderr);
    const report = JSON.parse(job.stdout);
    assert.equal(report.restarted, 0, 'every order is moving');
    assert.equal(typeof report.looked, 'number');
  }, 600_000);
});
