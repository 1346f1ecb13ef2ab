import assert from 'node:assert/strict';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTestTables } from '../support/database';

/**
 * An analysis run executed against DynamoDB Local, in this process, as the manifest's consumer
 * that runs it (local IAM checks every request against its grants): over a tenant written through
 * the real stores and handlers (test/support/analysis-tenant.ts), a run reads, computes every
 * kind, stores the results, moves the latest pointers, writes each customer's segment and shows
 * its progress; a kind that fails, a run that fails and a run that dies all leave the previous
 * results served; a run with too little data says so per kind.
 */
const tables = await createTestTables();
afterAll(() => tables.drop());

const { analysisTenant } = await import('../support/analysis-tenant');
const { requestCounter } = await import('../support/request-count');
const { executeRun } = await import('../../functions/analysis/runs/execute');
const { queueRun } = await import('../../functions/analysis/runs/create-run');
const { activeRunKey } = await import('../../functions/analysis/runs/active-lock');
const { latestKey, RESULT, resultKey, runKey } = await import('../../functions/analysis/runs/keys');
const { customerKey } = await import('../../functions/customers/keys');
const { documentClient } = await import('../../functions/shared/db/client');
const { modelFromBytes, classifyText } = await import('../../functions/analysis/classifier');
const { invoke, principal, uniqueTenant } = await import('../support/invoke');
const requests = requestCounter(tables);

type Run = import('../../functions/analysis/runs/record').AnalysisRun;
type Deps = import('../../functions/analysis/runs/execute').ExecuteDeps;
type Tenant = Awaited<ReturnType<typeof analysisTenant>>;

const ALL = ['segments', 'classifier', 'trends', 'recommendations'] as const;

async function queue(tenantId: string, kinds: Run['kinds'] = [...ALL]): Promise<Run> {
  return queueRun(
    {
      tenantId,
      trigger: 'api',
      requestedBy: 'ann',
      kinds,
      parameters: { seed: 7, segments: { k: 'auto' }, classifier: { testSize: 0.2 }, trends: { horizon: 4 } },
    },
    new Date(),
  );
}

/** Runs it as the consumer would: as the manifest's startAnalysisRuns, under its grants. */
const execute = (run: Run, deps: Deps = {}) => requests.run('startAnalysisRuns', () => executeRun(run, deps));

const get = async (key: { pk: string; sk: string }) =>
  (await documentClient.send(new GetCommand({ TableName: tables.domain, Key: key, ConsistentRead: true })))
    .Item;
const stored = async (run: Run) => (await get(runKey(run.tenantId, run.id))) as Record<string, any>;
const pointer = async (tenantId: string, kind: (typeof ALL)[number]) =>
  (await get(latestKey(tenantId, kind)))?.runId;
const segmentOf = async (tenantId: string, customerId: string) =>
  (await get(customerKey(tenantId, customerId)))?.analysis?.segment;

let t: Tenant;
let first: Run;
const updates: { phase: string; percent: number | null; recordsRead: number }[] = [];
let byCommand: Record<string, number>;

beforeAll(async () => {
  t = await analysisTenant();
  first = await queue(t.tenantId);
  const measured = await execute(first, {
    progress: {
      everyMs: 0,
      onUpdate: (u) =>
        updates.push({ phase: u.phase, percent: u.progress.percent, recordsRead: u.progress.recordsRead }),
    },
  });
  byCommand = measured.byCommand;
});

describe('an analysis run', () => {
  it('reads every record once, in Queries (no Scan), and records what it read', async () => {
    const run = await stored(first);
    assert.equal(run.status, 'SUCCEEDED', JSON.stringify(run.error));
    assert.equal(run.phase, 'done');
    const customers = 36;
    const needs = t.needs.length;
    assert.deepEqual(
      {
        customers: run.inputs.customers,
        orders: run.inputs.orders,
        needs: run.inputs.needs,
        labelled: run.inputs.labelledNeeds,
      },
      { customers, orders: t.orders, needs, labelled: t.needs.filter((n) => n.type).length },
    );
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(run.inputs.reads).map(([source, r]: [string, any]) => [source, r.items]),
      ),
      { products: 7, customers, orders: t.orders, needs },
    );
    for (const r of Object.values(run.inputs.reads) as { readUnits: number }[]) assert.ok(r.readUnits > 0);
    assert.equal(run.inputs.fromAggregates.length, 2);
    assert.deepEqual(run.progress, {
      recordsRead: 7 + customers + t.orders + needs,
      expectedRecords: 7 + customers + t.orders + needs,
      percent: 100,
    });
    // Reads are Queries of partitions (and the tenant's settings); writes are single items and the last transaction.
    assert.deepEqual(Object.keys(byCommand).sort(), [
      'GetItemCommand',
      'PutItemCommand',
      'QueryCommand',
      'TransactWriteItemsCommand',
      'UpdateItemCommand',
    ]);
    assert.equal(byCommand.TransactWriteItemsCommand, 1);
    assert.ok(run.durationMs >= 0 && run.startedAt <= run.finishedAt);
  });

  it('shows its phase and progress as it goes: each phase in turn, the percent never going back', () => {
    const phases = updates.map((u) => u.phase).filter((p, i, all) => p !== all[i - 1]);
    assert.deepEqual(phases, ['reading', 'segments', 'classifier', 'trends', 'recommendations', 'storing']);
    const reading = updates.filter((u) => u.phase === 'reading');
    assert.ok(reading.length >= 2, JSON.stringify(updates));
    for (let i = 1; i < updates.length; i++) {
      assert.ok((updates[i]?.recordsRead ?? 0) >= (updates[i - 1]?.recordsRead ?? 0));
      assert.ok((updates[i]?.percent ?? 0) >= (updates[i - 1]?.percent ?? 0));
    }
  });

  it('succeeds in every kind and moves each latest pointer to itself; the lock is released', async () => {
    const run = await stored(first);
    for (const kind of ALL) {
      assert.equal(run.results[kind].status, 'ok', `${kind}: ${run.results[kind].reason}`);
      assert.equal(await pointer(t.tenantId, kind), first.id, kind);
    }
    assert.equal(await get(activeRunKey(t.tenantId)), undefined);
    const latest = await get(latestKey(t.tenantId, 'segments'));
    assert.deepEqual(latest?.summary, run.results.segments.summary);
  });

  it('segments the customers: a k of 2–8 with labels, the loyal apart from the lapsed, each customer’s segment on it', async () => {
    const item = (await get(resultKey(t.tenantId, first.id, RESULT.segments))) as Record<string, any>;
    assert.ok(item.k >= 2 && item.k <= 8, `k = ${item.k}`);
    assert.equal(item.segments.length, item.k);
    for (const s of item.segments) assert.match(s.label, /\w/);
    assert.equal(
      item.segments.reduce((sum: number, s: { size: number }) => sum + s.size, 0),
      36,
    );
    const loyal = await Promise.all(t.customers.loyal.map((id) => segmentOf(t.tenantId, id)));
    const lapsed = await Promise.all(t.customers.lapsed.map((id) => segmentOf(t.tenantId, id)));
    for (const s of [...loyal, ...lapsed]) {
      assert.equal(s.runId, first.id);
      assert.equal(s.label, item.segments.find((x: { id: number }) => x.id === s.id).label);
    }
    assert.equal(new Set(loyal.map((s) => s.id)).size, 1, 'the loyal customers share a segment');
    assert.ok(!lapsed.some((s) => s.id === loyal[0].id), 'the lapsed are not in it');
    // The segment assignment is not a user's change: the customer keeps its version.
    assert.equal((await get(customerKey(t.tenantId, t.customers.loyal[0] as string)))?.version, 1);
  });

  it('lists each segment’s largest open needs that no order answers: NEW or QUALIFIED only, at most 3 per customer', async () => {
    const segments = (await get(resultKey(t.tenantId, first.id, RESULT.segments))) as Record<string, any>;
    const statusOf = new Map(t.needs.map((n) => [n.id, n.status]));
    let listed = 0;
    for (const s of segments.segments) {
      const item = (await get(resultKey(t.tenantId, first.id, RESULT.segmentNeeds(s.id)))) as Record<
        string,
        any
      >;
      assert.equal(item.label, s.label);
      assert.ok(item.needs.length <= 20);
      const perCustomer = new Map<string, number>();
      for (const need of item.needs) {
        assert.ok(['NEW', 'QUALIFIED'].includes(statusOf.get(need.needId) as string), need.needId);
        perCustomer.set(need.customerId, (perCustomer.get(need.customerId) ?? 0) + 1);
      }
      assert.ok([...perCustomer.values()].every((count) => count <= 3));
      const values = item.needs.map((n: any) => n.estimatedValue?.amountMinor ?? -1);
      assert.deepEqual(
        values,
        [...values].sort((a: number, b: number) => b - a),
        'largest first',
      );
      listed += item.needs.length;
    }
    assert.ok(listed > 0);
  });

  it('stores a classifier that tells the need types apart, with its metrics and model', async () => {
    const item = (await get(resultKey(t.tenantId, first.id, RESULT.classifier))) as Record<string, any>;
    assert.deepEqual([...item.labels].sort(), ['complaint', 'new_product', 'spare_parts']);
    assert.ok(item.metrics.accuracy > item.baselines.majority.accuracy);
    assert.equal(item.sample.sampled, false, 'fewer labelled needs than the cap: all are kept');
    const model = modelFromBytes(item.model);
    assert.equal(classifyText(model, 'the blades are worn, a replacement set please').label, 'spare_parts');
    assert.equal(item.modelBytes, item.model.byteLength);
    assert.ok(item.expiresAt > Date.now() / 1000 + 89 * 86_400);
  });

  it('stores weekly trends per need type and per product category', async () => {
    const item = (await get(resultKey(t.tenantId, first.id, RESULT.trends))) as Record<string, any>;
    const keys = item.series.map((s: { key: string }) => s.key).sort();
    for (const key of [
      'type:complaint',
      'type:spare_parts',
      'type:new_product',
      'type:untyped',
      'category:blades',
      'category:machines',
    ])
      assert.ok(keys.includes(key), `${key} in ${keys}`);
    const complaints = item.series.find((s: { key: string }) => s.key === 'type:complaint');
    const counted = complaints.weeks.reduce((sum: number, w: { count: number }) => sum + w.count, 0);
    assert.ok(counted > 0 && counted <= t.needs.filter((n) => n.type === 'complaint').length);
    assert.equal(item.timeZone, 'UTC');
    assert.equal(item.omitted, 0);
    // The run's summary says as much: every series stored, none left out for size.
    const { summary } = (await stored(first)).results.trends;
    assert.deepEqual(
      [summary.series, summary.seriesStored, summary.seriesOmitted],
      [keys.length, keys.length, 0],
    );
  });

  it('stores the products bought together, for the recommendations', async () => {
    const { Items = [] } = await documentClient.send(
      new QueryCommand({
        TableName: tables.domain,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :cooc)',
        ExpressionAttributeValues: { ':pk': resultKey(t.tenantId, first.id, '').pk, ':cooc': 'COOC#' },
      }),
    );
    const blades = Items.find((i) => i.productId === t.products['BLD-1']);
    assert.ok(blades, 'BLD-1 has neighbours');
    assert.equal(blades.neighbours[0].item, t.products['BLD-2']);
    const run = await stored(first);
    assert.equal(run.results.recommendations.summary.baskets, t.orders);
  });
});

describe('a run that does not succeed in everything', () => {
  it('a kind that throws is failed with its reason; the others succeed; its pointer and customers stay', async () => {
    const run = await queue(t.tenantId);
    await execute(run, {
      computations: {
        segments: () => {
          throw new Error('k-means diverged');
        },
      },
    });
    const after = await stored(run);
    assert.equal(after.status, 'SUCCEEDED');
    assert.deepEqual(after.results.segments, { status: 'failed', reason: 'k-means diverged' });
    assert.equal(await pointer(t.tenantId, 'segments'), first.id, 'the previous segments stay served');
    for (const kind of ['classifier', 'trends', 'recommendations'] as const)
      assert.equal(await pointer(t.tenantId, kind), run.id, kind);
    assert.equal((await segmentOf(t.tenantId, t.customers.loyal[0] as string)).runId, first.id);
    assert.equal(await get(resultKey(t.tenantId, run.id, RESULT.segments)), undefined);
  });

  it('a run whose reading fails is FAILED with the message and phase; every pointer stays', async () => {
    const before = await Promise.all(ALL.map((kind) => pointer(t.tenantId, kind)));
    const run = await queue(t.tenantId);
    const table = process.env.AGGREGATES_TABLE_NAME;
    process.env.AGGREGATES_TABLE_NAME = 'no-such-aggregates-table';
    const shown: { phase: string; progress: unknown }[] = [];
    try {
      await execute(run, {
        progress: { onUpdate: (u) => shown.push({ phase: u.phase, progress: u.progress }) },
      });
    } finally {
      process.env.AGGREGATES_TABLE_NAME = table;
    }
    const after = await stored(run);
    assert.equal(after.status, 'FAILED');
    assert.equal(after.error.phase, 'reading');
    // The item showed the reading phase before anything was read, and still shows the phase it failed in.
    const nothingRead = { recordsRead: 0, expectedRecords: null, percent: null };
    assert.deepEqual(shown, [{ phase: 'reading', progress: nothingRead }]);
    assert.equal(after.phase, 'reading');
    assert.deepEqual(after.progress, nothingRead);
    assert.match(after.error.message, /resource|table/i);
    assert.ok(after.finishedAt && after.durationMs >= 0);
    assert.deepEqual(await Promise.all(ALL.map((kind) => pointer(t.tenantId, kind))), before);
    assert.equal(await get(activeRunKey(t.tenantId)), undefined, 'the lock is released: a new run may start');
  });

  it('a run that dies while storing keeps the previous results served; delivered again, it is failed as interrupted', async () => {
    const before = await Promise.all(ALL.map((kind) => pointer(t.tenantId, kind)));
    const run = await queue(t.tenantId);
    let died: () => void = () => undefined;
    const dead = new Promise<void>((resolve) => {
      died = resolve;
    });
    // The invocation stops for good after storing the classifier, as a crash would stop it.
    void execute(run, {
      checkpoint: (step) => {
        if (step !== 'stored:classifier') return;
        died();
        return new Promise<void>(() => undefined);
      },
    });
    await dead;
    assert.ok(await get(resultKey(t.tenantId, run.id, RESULT.classifier)), 'it had stored a result');
    assert.equal((await stored(run)).status, 'RUNNING');
    assert.deepEqual(await Promise.all(ALL.map((kind) => pointer(t.tenantId, kind))), before);

    // The stream delivers the run again.
    await execute(run);
    const after = await stored(run);
    assert.equal(after.status, 'FAILED');
    assert.equal(after.error.phase, 'storing');
    assert.match(after.error.message, /^interrupted at storing: /);
    assert.deepEqual(await Promise.all(ALL.map((kind) => pointer(t.tenantId, kind))), before);
    assert.equal(await get(activeRunKey(t.tenantId)), undefined);

    // A third delivery finds it finished and changes nothing.
    await execute(run);
    assert.equal((await stored(run)).version, after.version);
  });

  it('keeps the results it still serves alive: those about to expire get another 90 days', async () => {
    // 70 days on, only trends are asked: the other kinds' results, from the first run, would
    // expire within 30 days, so they are extended; the trends pointer moves to the new run.
    const later = Date.now() + 70 * 86_400_000;
    const served = await pointer(t.tenantId, 'segments');
    const before = (await get(resultKey(t.tenantId, served, RESULT.segments)))?.expiresAt;
    const run = await queue(t.tenantId, ['trends']);
    await execute(run, { now: () => new Date(later) });
    assert.equal((await stored(run)).status, 'SUCCEEDED');
    const extended = Math.floor(later / 1000) + 90 * 86_400;
    assert.ok(extended > before);
    assert.equal((await get(resultKey(t.tenantId, served, RESULT.segments)))?.expiresAt, extended);
    assert.equal((await get(resultKey(t.tenantId, served, RESULT.segmentNeeds(0))))?.expiresAt, extended);
    assert.equal((await get(latestKey(t.tenantId, 'segments')))?.resultsExpireAt, extended);
    const recommendations = await pointer(t.tenantId, 'recommendations');
    assert.equal((await get(resultKey(t.tenantId, recommendations, RESULT.popular)))?.expiresAt, extended);
    assert.equal(await pointer(t.tenantId, 'trends'), run.id);
  });

  it('with too little data, each kind says why instead of guessing, and nothing is pointed at', async () => {
    const { tenantId } = await analysisTenantWithTwoCustomers();
    const run = await queue(tenantId);
    await execute(run);
    const after = await stored(run);
    assert.equal(after.status, 'SUCCEEDED');
    for (const kind of ALL) {
      assert.equal(after.results[kind].status, 'insufficient', kind);
      assert.match(after.results[kind].reason, /\w+/);
      assert.equal(await pointer(tenantId, kind), undefined);
    }
  });
});

describe('the guards of a run’s writes', () => {
  it('a run declared finished while it runs stops at its next write, leaving that verdict and every pointer', async () => {
    const before = await Promise.all(ALL.map((kind) => pointer(t.tenantId, kind)));
    const run = await queue(t.tenantId);
    await execute(run, {
      checkpoint: async (step) => {
        if (step !== 'classifier') return;
        // Someone else (a retry that found it RUNNING) failed it meanwhile.
        await documentClient.send(
          new UpdateCommand({
            TableName: tables.domain,
            Key: runKey(run.tenantId, run.id),
            UpdateExpression: 'SET #status = :failed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':failed': 'FAILED' },
          }),
        );
      },
    });
    const after = await stored(run);
    assert.equal(after.status, 'FAILED');
    assert.equal(after.phase, 'classifier', 'nothing written after the verdict');
    assert.equal(after.results, undefined);
    assert.deepEqual(await Promise.all(ALL.map((kind) => pointer(t.tenantId, kind))), before);
    await documentClient.send(new DeleteCommand({ TableName: tables.domain, Key: activeRunKey(t.tenantId) }));
  });

  it('finishes without the tenant’s lock when another run holds it now; a run whose item is gone is not run', async () => {
    const { tenantId, customers } = await thinTenant(5);
    const run = await queue(tenantId, ['segments']);
    // The lock expired and another run took it: ours must not release that one.
    await documentClient.send(
      new PutCommand({
        TableName: tables.domain,
        Item: { ...activeRunKey(tenantId), runId: 'another-run', lockedUntil: '2999-01-01T00:00:00.000Z' },
      }),
    );
    // A customer deleted since: its needs still name it, but its segment is not written.
    await documentClient.send(
      new DeleteCommand({ TableName: tables.domain, Key: customerKey(tenantId, customers[0] as string) }),
    );
    await execute(run);
    const after = await stored(run);
    assert.equal(after.status, 'SUCCEEDED');
    assert.equal(after.results.segments.status, 'ok', after.results.segments.reason);
    assert.equal(after.results.segments.summary.customersGone, 1);
    assert.equal(after.results.segments.summary.customersAssigned, customers.length - 1);
    assert.equal(await get(customerKey(tenantId, customers[0] as string)), undefined, 'not recreated');
    assert.equal((await get(activeRunKey(tenantId)))?.runId, 'another-run');

    const gone = { ...(await queue(uniqueTenant('gone'))), id: '01J00000000000000000000000' };
    await execute(gone);
    assert.equal(await get(runKey(gone.tenantId, gone.id)), undefined);
  });
});

// These run inside their own tests (not in beforeAll), so a mutation run sees which tests reach the code.
describe('a run of one kind', () => {
  it('reads only what that kind needs, and counts it in its progress against the aggregates’ counts', async () => {
    const run = await queue(t.tenantId, ['trends']);
    await execute(run);
    const after = await stored(run);
    assert.equal(after.status, 'SUCCEEDED', JSON.stringify(after.error));
    const needs = t.needs.length;
    // Trends need the needs and the products (a need's categories), no orders, no customers.
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(after.inputs.reads).map(([source, r]: [string, any]) => [source, r.items]),
      ),
      { products: 7, needs },
    );
    assert.deepEqual(after.progress, { recordsRead: 7 + needs, expectedRecords: 7 + needs, percent: 100 });
  });

  it('whose results cannot be stored is failed with why; the run succeeds and the previous results stay served', async () => {
    const served = await pointer(t.tenantId, 'trends');
    const run = await queue(t.tenantId, ['trends']);
    const table = process.env.DOMAIN_TABLE_NAME;
    try {
      // The domain table is out of reach while the trends are stored, and only then.
      await execute(run, {
        checkpoint: (step) => {
          if (step === 'storing') process.env.DOMAIN_TABLE_NAME = 'no-such-domain-table';
          if (step === 'stored:trends') process.env.DOMAIN_TABLE_NAME = table;
        },
      });
    } finally {
      process.env.DOMAIN_TABLE_NAME = table;
    }
    const after = await stored(run);
    assert.equal(after.status, 'SUCCEEDED', JSON.stringify(after.error));
    assert.equal(after.results.trends.status, 'failed');
    assert.match(after.results.trends.reason, /^storing its results failed: \S/);
    assert.equal(await pointer(t.tenantId, 'trends'), served);
    assert.equal(await get(resultKey(t.tenantId, run.id, RESULT.trends)), undefined);
  });
});

/** `n` customers with 1…n untyped needs each, received weeks ago; no orders. */
async function thinTenant(n: number) {
  const { createCustomer } = await import('../../functions/customers/store');
  const { handler: batch } = await import('../../functions/needs/batch');
  const tenantId = uniqueTenant('thin');
  const customers: string[] = [];
  const items: Record<string, unknown>[] = [];
  for (let c = 0; c < n; c++) {
    const customer = await createCustomer(tenantId, { name: `C${c}` }, new Date().toISOString());
    customers.push(customer.id);
    for (let k = 0; k <= c; k++)
      items.push({
        customerId: customer.id,
        channel: 'call',
        title: `Call back ${c}.${k}`,
        receivedAt: new Date(Date.now() - (10 + 7 * k) * 86_400_000).toISOString(),
      });
  }
  const res = await invoke(batch, {
    routeKey: 'POST /v1/needs/batch',
    body: { items },
    principal: principal(tenantId, ['sales']),
  });
  assert.equal(res.body.created, items.length, JSON.stringify(res.body));
  return { tenantId, customers };
}

/** Two customers, an untyped need each this week, no orders. */
async function analysisTenantWithTwoCustomers() {
  const { createCustomer } = await import('../../functions/customers/store');
  const { handler: create } = await import('../../functions/needs/create');
  const tenantId = uniqueTenant('thin');
  for (const name of ['Ada', 'Bea']) {
    const customer = await createCustomer(tenantId, { name }, new Date().toISOString());
    const res = await invoke(create, {
      routeKey: 'POST /v1/needs',
      body: { customerId: customer.id, channel: 'call', title: 'Call me back' },
      principal: principal(tenantId, ['sales']),
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  return { tenantId };
}
