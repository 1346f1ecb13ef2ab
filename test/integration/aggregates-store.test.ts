import assert from 'node:assert/strict';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, describe, it, vi } from 'vitest';
import { applyTransaction } from '../../functions/aggregates/apply';
import { contribution } from '../../functions/aggregates/contributions';
import { deltas } from '../../functions/aggregates/deltas';
import { type Image, readImage } from '../../functions/aggregates/images';
import { planTransactions } from '../../functions/aggregates/plan';
import { defaultZoneHistory } from '../../functions/settings/time-zone';
import { documentClient, dynamodb } from '../../functions/shared/db/client';
import { logger } from '../../functions/shared/logger';
import { createTestTables } from '../support/database';
import { fakeContext, invoke, principal, uniqueTenant } from '../support/invoke';
import { meteredFunctions } from '../support/metered';
import { changeRecord, needItem, type OrderFields, orderItem } from '../support/sales-items';

/**
 * The aggregator (aggregateSales) and the reports against DynamoDB Local, in this process, each as
 * its manifest function (local IAM checks its grants) and metered by AWS's capacity rules: stream
 * records built from need and order items as their stores write them, delivered as Lambda would,
 * and again, and in parts.
 */
const tables = await createTestTables();
const metered = meteredFunctions(tables);
const { handler: aggregate } = await import('../../functions/aggregates/aggregate-sales');
const { handler: needsSummary } = await import('../../functions/reports/needs-summary');
const { handler: revenue } = await import('../../functions/reports/revenue');
const { handler: pipeline } = await import('../../functions/reports/pipeline');
const { handler: fulfilment } = await import('../../functions/reports/fulfilment');
afterAll(() => tables.drop());

const deliver = (records: DynamoDBRecord[]) =>
  metered.run('aggregateSales', () => aggregate({ Records: records }, fakeContext()));

const REPORTS = {
  needs: { handler: needsSummary, operationId: 'getNeedsSummary', path: '/v1/analysis/needs/summary' },
  revenue: { handler: revenue, operationId: 'getRevenueReport', path: '/v1/reports/revenue' },
  pipeline: { handler: pipeline, operationId: 'getPipelineReport', path: '/v1/reports/pipeline' },
  fulfilment: { handler: fulfilment, operationId: 'getFulfilmentReport', path: '/v1/reports/fulfilment' },
};
async function report(tenantId: string, which: keyof typeof REPORTS, query: Record<string, string>) {
  const { handler, operationId, path } = REPORTS[which];
  const measured = await metered.run(operationId, () =>
    invoke(handler, { routeKey: `GET ${path}`, query, principal: principal(tenantId, ['analyst']) }),
  );
  assert.equal(measured.response.status, 200, JSON.stringify(measured.response.body));
  return { ...measured, body: measured.response.body };
}

let ids = 0;
const id = (prefix: string) => `01J${prefix}${String(ids++).padStart(23 - prefix.length, '0')}`;

const MARCH = { from: '2026-03-01', to: '2026-04-01' };

describe('the aggregator', () => {
  it('counts a need once however often its record is delivered; the repeat writes nothing', async () => {
    const tenant = uniqueTenant('agg');
    const created = changeRecord(
      undefined,
      needItem(tenant, {
        id: id('N'),
        type: 'pricing',
        receivedAt: '2026-03-10T09:00:00.000Z',
        estimatedValue: { amountMinor: 5_000, currency: 'EUR' },
      }),
    );
    const first = await deliver([created]);
    assert.deepEqual(first.response, { batchItemFailures: [] });
    assert.deepEqual(first.byCommand, { GetItemCommand: 1, TransactWriteItemsCommand: 1 });
    // 12 aggregate items of ~150 B and a marker, each 1 KB-unit doubled by the transaction.
    assert.equal(first.writeUnits, 26);

    const again = await deliver([created]);
    assert.deepEqual(again.response, { batchItemFailures: [] });
    // The zone is cached by now; the transaction is refused by the record's marker.
    assert.deepEqual(again.byCommand, { TransactWriteItemsCommand: 1 });

    const { body } = await report(tenant, 'needs', { groupBy: 'type', period: 'month', ...MARCH });
    assert.deepEqual(body.rows, [
      {
        period: '2026-03',
        group: 'pricing',
        needs: 1,
        estimatedValue: [{ amountMinor: 5_000, currency: 'EUR' }],
      },
    ]);
  });

  it('shares transactions between the records of a batch, and counts a status change as a move', async () => {
    const tenant = uniqueTenant('agg');
    const needs = Array.from({ length: 25 }, (_, i) =>
      needItem(tenant, {
        id: id('B'),
        channel: ['email', 'call', 'survey'][i % 3],
        receivedAt: `2026-03-${String(1 + (i % 5)).padStart(2, '0')}T12:00:00.000Z`,
      }),
    );
    const batch = await deliver(needs.map((need) => changeRecord(undefined, need)));
    assert.deepEqual(batch.response, { batchItemFailures: [] });
    const transactions = batch.byCommand.TransactWriteItemsCommand ?? 0;
    assert.ok(transactions < 25 / 2, `${transactions} transactions for 25 needs`);
    console.info(
      `aggregates: 25 new needs in one batch: ${transactions} transactions, ${batch.writeUnits} WCU (${(batch.writeUnits / 25).toFixed(1)} per need; alone: 26)`,
    );

    const qualified = { ...needs[0], status: 'QUALIFIED', version: 2, updatedAt: '2026-03-20T00:00:00.000Z' };
    const change = await deliver([changeRecord(needs[0], qualified)]);
    // Six moves (status NEW −1, QUALIFIED +1 in three periods) and a marker.
    assert.equal(change.writeUnits, 14);

    const { body } = await report(tenant, 'needs', { groupBy: 'status', period: 'month', ...MARCH });
    assert.deepEqual(
      body.rows.map((r: { group: string; needs: number }) => [r.group, r.needs]),
      [
        ['NEW', 24],
        ['QUALIFIED', 1],
      ],
    );
    const byDay = await report(tenant, 'needs', { groupBy: 'channel', period: 'day', ...MARCH });
    assert.equal(byDay.body.rows.length, 15, '5 days × 3 channels');
    assert.equal(
      byDay.body.rows.reduce((sum: number, r: { needs: number }) => sum + r.needs, 0),
      25,
    );
  });

  it('aggregates an order of 600 lines in chunks, and a delivery that died half-way is finished, not repeated', {
    timeout: 600_000,
  }, async () => {
    const tenants = [uniqueTenant('big'), uniqueTenant('big')];
    const lines = Array.from({ length: 600 }, (_, i) => ({
      sku: `SKU-${String(i).padStart(4, '0')}`,
      category: `Category ${i % 12}`,
      quantity: 1 + (i % 7),
      lineTotalMinor: 100 * (1 + (i % 13)),
    }));
    const fields = (tenant: string): OrderFields => ({
      id: id('O'),
      customerId: id('C'),
      customerCountry: 'FR',
      status: 'CLOSED',
      createdAt: '2026-03-15T10:00:00.000Z',
      lines,
      evaluation: {
        stageSeconds: { SUBMITTED: 10 },
        cycleSeconds: 1_000,
        onTime: true,
        closedAt: '2026-03-20T10:00:00.000Z',
      },
      imported: tenant.length > 0,
    });
    const records = tenants.map((tenant) => changeRecord(undefined, orderItem(tenant, fields(tenant))));

    const whole = await deliver([records[0] as DynamoDBRecord]);
    assert.deepEqual(whole.response, { batchItemFailures: [] });
    const transactions = whole.byCommand.TransactWriteItemsCommand ?? 0;
    console.info(
      `aggregates: an imported CLOSED order of 600 lines: ${transactions} transactions, ${whole.writeUnits} WCU`,
    );
    // 600 products + 12 categories + customer + country + none, × 3 periods, plus fulfilment's 9.
    assert.equal(transactions, Math.ceil((3 * (600 + 12 + 3) + 9) / 99));
    assert.equal(whole.writeUnits, 2 * (3 * (600 + 12 + 3) + 9) + 2 * transactions);

    // The other tenant's delivery died after its first two chunks committed.
    const second = records[1] as DynamoDBRecord;
    const image = readImage(
      (await import('@aws-sdk/util-dynamodb')).unmarshall(second.dynamodb?.NewImage as never),
    ).image;
    const planned = planTransactions([
      {
        index: 0,
        tenantId: tenants[1] as string,
        eventId: second.eventID as string,
        updates: deltas(undefined, image, defaultZoneHistory()),
      },
    ]);
    for (const chunk of planned.slice(0, 2))
      await metered.run('aggregateSales', () => applyTransaction(chunk, new Date()));
    const rest = await deliver([second]);
    assert.equal(
      rest.byCommand.TransactWriteItemsCommand,
      transactions,
      'two refused by their markers, the rest written',
    );

    for (const [groupBy, rows] of [
      ['none', 1],
      ['category', 12],
      ['product', 600],
    ] as const) {
      const [a, b] = await Promise.all(
        tenants.map((tenant) =>
          report(tenant, 'revenue', { groupBy, period: 'month', ...MARCH, limit: '2000' }),
        ),
      );
      assert.equal(a?.body.rows.length, rows, groupBy);
      assert.deepEqual(a?.body.rows, b?.body.rows, groupBy);
    }
    const total = (await report(tenants[1] as string, 'revenue', { period: 'day', ...MARCH })).body.rows;
    assert.deepEqual(total, [
      {
        period: '2026-03-15',
        orders: 1,
        units: lines.reduce((sum, line) => sum + line.quantity, 0),
        revenue: [
          { amountMinor: lines.reduce((sum, line) => sum + line.lineTotalMinor, 0), currency: 'EUR' },
        ],
      },
    ]);
  });

  it('keeps exact sums when invocations update the same items at once', async () => {
    const tenant = uniqueTenant('agg');
    const orders = Array.from({ length: 16 }, (_, i) =>
      orderItem(tenant, {
        id: id('P'),
        customerId: id('C'),
        status: 'SUBMITTED',
        createdAt: '2026-03-05T10:00:00.000Z',
        lines: [{ sku: 'HOT-1', category: 'Hot', quantity: 1, lineTotalMinor: 100 + i }],
      }),
    );
    const results = await Promise.all(orders.map((order) => deliver([changeRecord(undefined, order)])));
    for (const result of results) assert.deepEqual(result.response, { batchItemFailures: [] });
    const { body } = await report(tenant, 'pipeline', { groupBy: 'status' });
    assert.deepEqual(body.rows, [
      {
        period: 'all',
        group: 'SUBMITTED',
        orders: 16,
        value: [{ amountMinor: 16 * 100 + 120, currency: 'EUR' }],
      },
    ]);
  });
});

describe('when a record or its transaction fails', () => {
  it('applies the rest of a shared transaction when some of its records were applied before', async () => {
    const tenant = uniqueTenant('part');
    const need = (n: number) =>
      changeRecord(undefined, needItem(tenant, { id: id('Q'), receivedAt: `2026-03-0${n}T09:00:00.000Z` }));
    const [a, b, c] = [need(1), need(2), need(3)] as DynamoDBRecord[];
    await deliver([b as DynamoDBRecord]);
    // a, b and c share one transaction; b's marker refuses it, and it is written again without b.
    const batch = await deliver([a as DynamoDBRecord, b as DynamoDBRecord, c as DynamoDBRecord]);
    assert.deepEqual(batch.response, { batchItemFailures: [] });
    assert.equal(batch.byCommand.TransactWriteItemsCommand, 2);
    const { body } = await report(tenant, 'needs', { period: 'day', ...MARCH });
    assert.deepEqual(
      body.rows.map((r: { period: string; needs: number }) => [r.period, r.needs]),
      [
        ['2026-03-01', 1],
        ['2026-03-02', 1],
        ['2026-03-03', 1],
      ],
    );
  });

  it('counts nowhere an image it cannot read, without failing the batch', async () => {
    const tenant = uniqueTenant('junk');
    const junk = {
      ...needItem(tenant, { id: id('J'), receivedAt: '2026-03-10T09:00:00.000Z' }),
      receivedAt: 'soon',
    };
    const result = await deliver([changeRecord(undefined, junk)]);
    assert.deepEqual(result.response, { batchItemFailures: [] });
    assert.deepEqual(result.byCommand, {}, 'reads and writes nothing');
    assert.deepEqual((await report(tenant, 'needs', MARCH)).body.rows, []);
  });

  it('warns of each image it cannot read, with its record and why, and of no readable one', async () => {
    const tenant = uniqueTenant('warn');
    const need = (n: number) => needItem(tenant, { id: id('W'), receivedAt: `2026-03-1${n}T09:00:00.000Z` });
    const readable = changeRecord(undefined, need(1));
    const unreadable = changeRecord(undefined, { ...need(2), receivedAt: 'soon' });
    // Counted, then changed so that it cannot be read: it counts nowhere from then on.
    const moved = need(3);
    assert.deepEqual((await deliver([changeRecord(undefined, moved)])).response, { batchItemFailures: [] });
    const spoilt = changeRecord(moved, { ...moved, channel: '' });
    // A record without its `dynamodb` part (no images, no sequence number) counts nowhere, silently.
    const bare: DynamoDBRecord = {
      eventID: `bare-${process.pid}`,
      eventName: 'REMOVE',
      eventSource: 'aws:dynamodb',
    };
    const warn = vi.spyOn(logger, 'warn');
    try {
      const result = await deliver([readable, unreadable, bare, spoilt]);
      assert.deepEqual(result.response, { batchItemFailures: [] });
      assert.deepEqual(warn.mock.calls, [
        [
          'image counts in no aggregate',
          {
            sequenceNumber: unreadable.dynamodb?.SequenceNumber,
            image: 'NewImage',
            reason: 'receivedAt: must be an ISO 8601 time',
          },
        ],
        [
          'image counts in no aggregate',
          {
            sequenceNumber: spoilt.dynamodb?.SequenceNumber,
            image: 'NewImage',
            reason: 'channel: Too small: expected string to have >=1 characters',
          },
        ],
      ]);
    } finally {
      warn.mockRestore();
    }
    // The readable need counts; the spoilt one is taken back out of the count.
    assert.deepEqual(
      (await report(tenant, 'needs', { period: 'day', ...MARCH })).body.rows.map(
        (r: { period: string; needs: number }) => [r.period, r.needs],
      ),
      [['2026-03-11', 1]],
    );
  });

  it('stops the batch at a record it cannot compute, having applied those before it', async () => {
    const good = uniqueTenant('good');
    const broken = uniqueTenant('broken');
    // A zone the time zone database does not know (only a hand-written item can hold one).
    await documentClient.send(
      new PutCommand({
        TableName: tables.domain,
        Item: {
          pk: `T#${broken}#SETTINGS#tenant`,
          sk: 'SETTINGS',
          timeZone: 'Mars/Olympus',
          timeZoneHistory: [{ timeZone: 'Mars/Olympus', from: '1970-01-01T00:00:00.000Z' }],
          version: 1,
        },
      }),
    );
    const records = [good, broken, good].map((tenant) =>
      changeRecord(undefined, needItem(tenant, { id: id('S'), receivedAt: '2026-03-10T09:00:00.000Z' })),
    );
    const result = await deliver(records);
    assert.deepEqual(result.response, {
      batchItemFailures: records.slice(1).map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber })),
    });
    assert.deepEqual(
      (await report(good, 'needs', MARCH)).body.rows.map((r: { needs: number }) => r.needs),
      [1],
    );
  });

  /**
   * A tenant with one need counted, and the record of a next need DynamoDB will refuse: the
   * aggregate item it adds to holds a count that is not a number, so the ADD fails.
   */
  async function refusedNeed(): Promise<{ first: DynamoDBRecord; later: DynamoDBRecord }> {
    const tenant = uniqueTenant('refused');
    const first = changeRecord(
      undefined,
      needItem(tenant, { id: id('F'), receivedAt: '2026-03-10T09:00:00.000Z' }),
    );
    await deliver([first]);
    const later = needItem(tenant, { id: id('F'), channel: 'call', receivedAt: '2026-03-11T09:00:00.000Z' });
    const target = contribution(readImage(later).image as Image, defaultZoneHistory()).find((u) =>
      u.pk.includes('#month#channel#'),
    );
    assert.ok(target);
    await documentClient.send(
      new PutCommand({ TableName: tables.aggregates, Item: { pk: target.pk, sk: target.sk, n: 'many' } }),
    );
    return { first, later: changeRecord(undefined, later) };
  }

  it('fails the batch from the first record of a transaction DynamoDB refuses', async () => {
    const { first, later } = await refusedNeed();
    const records = [later, first];
    const result = await deliver(records);
    assert.deepEqual(result.response, {
      batchItemFailures: records.map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber })),
    });
  });

  it('keeps what the transactions before a refused one wrote, and fails from the refused one’s first record', async () => {
    const { later } = await refusedNeed();
    // Forty needs of another tenant fill more than one transaction before the refused need, and
    // three more follow it into its transaction.
    const other = uniqueTenant('before');
    const otherNeed = (i: number) =>
      changeRecord(
        undefined,
        needItem(other, {
          id: id('B'),
          receivedAt: `2026-03-${String(1 + (i % 28)).padStart(2, '0')}T09:00:00.000Z`,
        }),
      );
    const before = Array.from({ length: 40 }, (_, i) => otherNeed(i));
    const records = [...before, later, ...[40, 41, 42].map(otherNeed)];
    const { batchItemFailures } = (await deliver(records)).response as {
      batchItemFailures: { itemIdentifier?: string }[];
    };
    const failedAt = records.length - batchItemFailures.length;
    assert.ok(failedAt > 0 && failedAt <= before.length, `failed from ${failedAt}`);
    assert.deepEqual(
      batchItemFailures,
      records.slice(failedAt).map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber })),
    );
    // The needs before it were counted, once each; the rest waits for the retry.
    const counted = (await report(other, 'needs', MARCH)).body.rows.reduce(
      (sum: number, r: { needs: number }) => sum + r.needs,
      0,
    );
    assert.equal(counted, failedAt);
  });

  // DynamoDB Local runs transactions one at a time, so two never cancel each other there
  // (TransactionConflict): AWS's answer is made here, for the next transactions of this client.
  const conflicts = (times: number) => {
    let left = times;
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && left > 0) {
          left--;
          const items = (args.input as { TransactItems: unknown[] }).TransactItems;
          throw new TransactionCanceledException({
            message:
              'Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]',
            $metadata: {},
            CancellationReasons: items.map((_, i) => ({ Code: i === 1 ? 'TransactionConflict' : 'None' })),
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'conflicts', override: true },
    );
    return () => dynamodb.middlewareStack.remove('conflicts');
  };

  it('writes again after a transaction conflict, and counts once', async () => {
    const tenant = uniqueTenant('conflict');
    const record = changeRecord(
      undefined,
      needItem(tenant, { id: id('K'), receivedAt: '2026-03-10T09:00:00.000Z' }),
    );
    const done = conflicts(2);
    try {
      const result = await deliver([record]);
      assert.deepEqual(result.response, { batchItemFailures: [] });
    } finally {
      done();
    }
    assert.deepEqual(
      (await report(tenant, 'needs', MARCH)).body.rows.map((r: { needs: number }) => r.needs),
      [1],
    );
  });

  it('fails the batch when conflicts go on, so that the stream delivers it again', async () => {
    const tenant = uniqueTenant('conflict');
    const record = changeRecord(
      undefined,
      needItem(tenant, { id: id('K'), receivedAt: '2026-03-10T09:00:00.000Z' }),
    );
    const done = conflicts(100);
    try {
      const result = await deliver([record]);
      assert.deepEqual(result.response, {
        batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber }],
      });
    } finally {
      done();
    }
    assert.deepEqual((await deliver([record])).response, { batchItemFailures: [] });
    assert.deepEqual(
      (await report(tenant, 'needs', MARCH)).body.rows.map((r: { needs: number }) => r.needs),
      [1],
    );
  });
});

describe('reading a report', () => {
  it('costs the zone’s GetItem and one Query per shard and page, by the groups and periods asked for', async () => {
    const tenant = uniqueTenant('read');
    const customers = Array.from({ length: 30 }, () => id('C'));
    const records = customers.map((customerId, i) =>
      changeRecord(
        undefined,
        orderItem(tenant, {
          id: id('R'),
          customerId,
          customerCountry: ['DE', 'FR', 'GB'][Math.floor(i / 3) % 3],
          status: 'APPROVED',
          createdAt: `2026-0${1 + (i % 3)}-10T10:00:00.000Z`,
          lines: [{ sku: 'X-1', category: 'Tools', quantity: 1, lineTotalMinor: 1_000 }],
        }),
      ),
    );
    await deliver(records);
    const byCountry = await report(tenant, 'revenue', {
      groupBy: 'country',
      from: '2026-01-01',
      to: '2026-04-01',
    });
    assert.equal(byCountry.body.rows.length, 9, '3 months × 3 countries');
    assert.deepEqual(byCountry.byCommand, { GetItemCommand: 1, QueryCommand: 4 }, 'the zone, then 4 shards');
    const byCustomer = await report(tenant, 'revenue', {
      groupBy: 'customer',
      from: '2026-01-01',
      to: '2026-04-01',
    });
    assert.equal(byCustomer.body.rows.length, 30);
    assert.deepEqual(byCustomer.byCommand, { GetItemCommand: 1, QueryCommand: 1 }, 'customers are one shard');
    console.info(
      `aggregates: revenue by country, 3 months: ${byCountry.readUnits} RCU; by customer (30 rows): ${byCustomer.readUnits} RCU`,
    );

    // Pages of 4 items per shard give the same rows, none split or repeated, and a CSV page links the next.
    const paged: unknown[] = [];
    let cursor: string | undefined;
    let firstCursor: string | undefined;
    let pages = 0;
    do {
      const page = await report(tenant, 'revenue', {
        groupBy: 'country',
        from: '2026-01-01',
        to: '2026-04-01',
        limit: '1',
        ...(cursor ? { cursor } : {}),
      });
      paged.push(...page.body.rows);
      cursor = page.body.nextCursor;
      firstCursor ??= cursor;
      pages++;
    } while (cursor);
    assert.deepEqual(paged, byCountry.body.rows);
    assert.ok(pages > 2, `${pages} pages`);
    const csv = await report(tenant, 'revenue', {
      groupBy: 'country',
      from: '2026-01-01',
      to: '2026-04-01',
      limit: '1',
      format: 'csv',
    });
    assert.match(csv.response.headers['content-type'] ?? '', /^text\/csv/);
    assert.match(csv.body, /^period,group,orders,units,revenueMinor_EUR\r\n2026-01,DE,/);
    assert.match(
      csv.response.headers.link ?? '',
      /^<\/v1\/reports\/revenue\?groupBy=country&period=month&from=2026-01-01&to=2026-04-01&format=csv&limit=1&cursor=[^>]+>; rel="next"$/,
    );

    // A cursor of another range or report is refused.
    const other = await metered.run('getRevenueReport', () =>
      invoke(revenue, {
        routeKey: 'GET /v1/reports/revenue',
        query: {
          groupBy: 'country',
          from: '2026-01-01',
          to: '2026-05-01',
          limit: '1',
          cursor: firstCursor as string,
        },
        principal: principal(tenant, ['analyst']),
      }),
    );
    assert.equal(other.response.status, 400);
    assert.equal(other.response.body.errors[0].field, 'query.cursor');
  });

  it('answers a tenant without data with no rows, and never another tenant’s', async () => {
    const { body } = await report(uniqueTenant('empty'), 'fulfilment', { groupBy: 'country' });
    assert.deepEqual(body.rows, []);
    assert.equal(body.timeZone, 'UTC');
    assert.equal(body.period, 'month');
  });

  it('refuses from/to on the pipeline over all time, and a range longer than the period allows', async () => {
    const tenant = uniqueTenant('bad');
    for (const [which, query, field] of [
      ['pipeline', { from: '2026-01-01' }, 'query.from'],
      ['pipeline', { to: '2026-01-01' }, 'query.to'],
      ['needs', { period: 'day', from: '2025-01-01', to: '2026-03-01' }, 'query.from'],
      ['revenue', { from: '2026-03-01', to: '2026-02-01' }, 'query.to'],
    ] as const) {
      const { handler, path } = REPORTS[which];
      const res = await invoke(handler, {
        routeKey: `GET ${path}`,
        query,
        principal: principal(tenant, ['analyst']),
      });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.errors[0].field, field);
    }
  });
});

describe('the aggregates table', () => {
  it('keeps markers apart from the aggregates, expiring after the stream’s retention', async () => {
    const tenant = uniqueTenant('mark');
    const record = changeRecord(
      undefined,
      needItem(tenant, { id: id('M'), receivedAt: '2026-03-10T09:00:00.000Z' }),
    );
    await deliver([record]);
    const { Items } = await documentClient.send(
      new QueryCommand({
        TableName: tables.aggregates,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `T#${tenant}#AGG#APPLIED#${record.eventID}` },
      }),
    );
    assert.equal(Items?.length, 1);
    const expiresAt = Items?.[0]?.expiresAt as number;
    assert.ok(expiresAt > Date.now() / 1000 + 2 * 86_400, 'outlives the 24-hour stream retention');
  });

  it('sets a marker to expire three days after its transaction, in epoch seconds as TTL reads them', async () => {
    const tenant = uniqueTenant('mark');
    const need = needItem(tenant, { id: id('M'), receivedAt: '2026-03-10T09:00:00.000Z' });
    const updates = contribution(readImage(need).image as Image, defaultZoneHistory());
    const [transaction] = planTransactions([{ index: 0, tenantId: tenant, eventId: 'expiry-1', updates }]);
    assert.ok(transaction);
    // Half a second past the second: the fraction is dropped, not rounded up.
    const now = new Date('2026-03-10T09:00:00.500Z');
    const outcome = await metered.run('aggregateSales', () => applyTransaction(transaction, now));
    assert.deepEqual(outcome.response, { kind: 'applied' });
    const { Items } = await documentClient.send(
      new QueryCommand({
        TableName: tables.aggregates,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `T#${tenant}#AGG#APPLIED#expiry-1` },
      }),
    );
    assert.deepEqual(
      Items?.map((item) => item.expiresAt),
      [Date.parse('2026-03-10T09:00:00.000Z') / 1000 + 3 * 86_400],
    );
  });
});
