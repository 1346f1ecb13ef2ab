import assert from 'node:assert/strict';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, describe, it, vi } from 'vitest';
import { toDomainEvent } from '../../functions/events/envelope';
import { functionName, functions } from '../../functions/manifest';
import { newId } from '../../functions/shared/ids';
import { accessKeyOf } from '../../local/aws-json';
import { startEventBridgeEndpoint } from '../../local/eventbridge/endpoint';
import { fakeContext, uniqueTenant } from '../support/invoke';
import { streamRecord, timelineItem } from '../support/stream-records';

/**
 * PublishEvents against the twin's EventBridge endpoint, through the real SDK client and EventBridge's
 * wire protocol: batches, per-entry failures (injected by the endpoint, as EventBridge reports them)
 * and the retry from the first record that could not be published. EventBridge itself cannot run
 * here; the endpoint is the twin's stand-in, tested below for the refusals that matter.
 */
const bus = await startEventBridgeEndpoint({ functions, functionNameOf: functionName });
process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = bus.url;
process.env.EVENT_BUS_NAME = bus.busName;
const { handler: publish } = await import('../../functions/events/publish-events');
afterAll(() => bus.close());
afterEach(() => {
  bus.failNextEntries(0);
  bus.observers.clear();
});

const tenantId = uniqueTenant('pub');
/** `count` events of three orders, interleaved as one shard carries them, each order in commit order. */
function timelineItems(count: number) {
  const orders = [newId(), newId(), newId()];
  return Array.from({ length: count }, (_, i) =>
    timelineItem(tenantId, orders[i % 3] as string, Math.floor(i / 3) + 1, new Date(Date.now() - 60_000 + i)),
  );
}

const run = (records: DynamoDBRecord[]) =>
  publish({ Records: records } satisfies DynamoDBStreamEvent, fakeContext('publishEvents'));

/** What the bus received since `from`, as event ids. */
const since = (from: number) => bus.events().slice(from);

describe('PublishEvents', () => {
  it('puts every event on the bus in record order, in requests of at most 10, the envelope as detail', async () => {
    const items = timelineItems(23);
    const from = bus.events().length;
    const requestsBefore = bus.requests().length;
    assert.deepEqual(await run(items.map((item) => streamRecord(item))), { batchItemFailures: [] });
    assert.deepEqual(
      bus
        .requests()
        .slice(requestsBefore)
        .map((r) => r.entries),
      [10, 10, 3],
    );
    const received = since(from);
    assert.deepEqual(
      received.map((e) => e.detail),
      items.map((item) => JSON.parse(JSON.stringify(toDomainEvent(item)))),
    );
    for (const [i, event] of received.entries()) {
      assert.equal(event.source, 'orderly.orders');
      assert.equal(event.detailType, event.detail.type);
      assert.equal(event.time.toISOString(), items[i]?.at);
    }
  });

  it('sends again only the entries that failed, until they go', async () => {
    const items = timelineItems(10);
    const from = bus.events().length;
    const requestsBefore = bus.requests().length;
    bus.failNextEntries(3);
    assert.deepEqual(await run(items.map((item) => streamRecord(item))), { batchItemFailures: [] });
    assert.deepEqual(
      bus
        .requests()
        .slice(requestsBefore)
        .map((r) => r.entries),
      [10, 3],
    );
    const ids = since(from).map((e) => e.detail.id);
    assert.deepEqual([...ids].sort(), items.map((item) => toDomainEvent(item).id).sort(), 'each event once');
  });

  it('reports the batch failed from the first record whose entry kept failing, and publishes nothing after it', async () => {
    const items = timelineItems(23);
    const records = items.map((item) => streamRecord(item));
    const from = bus.events().length;
    // From the 13th event on, the bus fails every entry (the first 12 are accepted).
    bus.observers.add(() => {
      if (bus.events().length - from === 12) bus.failNextEntries(1_000);
    });
    const result = await run(records);
    assert.deepEqual(
      result.batchItemFailures.map((f) => f.itemIdentifier),
      records.slice(12).map((r) => r.dynamodb?.SequenceNumber),
    );
    assert.equal(since(from).length, 12);
    assert.equal(
      bus.requests().at(-1)?.entries,
      8,
      'the failed entries were sent again; the third batch never',
    );

    // The event source mapping retries from the first failed record, once the bus is well again.
    bus.observers.clear();
    bus.failNextEntries(0);
    assert.deepEqual(await run(records.slice(12)), { batchItemFailures: [] });
    assert.deepEqual(
      since(from).map((e) => e.detail.id),
      items.map((item) => toDomainEvent(item).id),
      'all 23, in order, each once',
    );
  });

  it('fails a record that is no domain event (a type the catalogue lacks), after publishing those before it', async () => {
    const items = timelineItems(8);
    const records = items.map((item, i) => streamRecord(i === 5 ? { ...item, type: 'AUTO_APPROVED' } : item));
    const from = bus.events().length;
    const result = await run(records);
    assert.deepEqual(
      result.batchItemFailures.map((f) => f.itemIdentifier),
      records.slice(5).map((r) => r.dynamodb?.SequenceNumber),
    );
    assert.deepEqual(
      since(from).map((e) => e.detail.id),
      items.slice(0, 5).map((item) => toDomainEvent(item).id),
    );
  });

  it('has nothing to publish for records that are no inserted timeline event', async () => {
    const [item] = timelineItems(1);
    const order = { pk: item?.pk, sk: 'ORDER', entity: 'ORDER', task: { token: 'secret' } };
    const requestsBefore = bus.requests().length;
    const result = await run([
      streamRecord(order),
      streamRecord(item ?? {}, 'MODIFY'),
      streamRecord(order, 'REMOVE'),
    ]);
    assert.deepEqual(result, { batchItemFailures: [] });
    assert.equal(bus.requests().length, requestsBefore, 'no request at all');
  });
});

describe('the twin’s EventBridge endpoint', () => {
  const clientAs = (accessKeyId: string) =>
    new EventBridgeClient({
      endpoint: bus.url,
      region: 'eu-west-1',
      credentials: { accessKeyId, secretAccessKey: 'local' },
    });
  const entry = (extra: Record<string, unknown> = {}) => ({
    EventBusName: bus.busName,
    Source: 'test',
    DetailType: 'probe',
    Detail: '{"probe":true}',
    ...extra,
  });

  it('takes PutEvents from functions the manifest lets publish, and refuses the others', async () => {
    const publisher = clientAs(accessKeyOf('publishEvents'));
    const ok = await publisher.send(new PutEventsCommand({ Entries: [entry()] }));
    assert.equal(ok.FailedEntryCount, 0);
    assert.equal(bus.events().at(-1)?.publisher, 'publishEvents');
    await assert.rejects(
      publisher.send(new PutEventsCommand({ Entries: [entry({ EventBusName: 'default' })] })),
      { name: 'AccessDeniedException' },
      'its grant names this bus only',
    );
    for (const name of ['listEvents', 'projectEventFeed', 'nobody'])
      await assert.rejects(
        clientAs(accessKeyOf(name)).send(new PutEventsCommand({ Entries: [entry()] })),
        { name: 'AccessDeniedException' },
        name,
      );
  });

  it('answers per entry as EventBridge does, and refuses requests over its limits', async () => {
    const client = clientAs('local');
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [entry(), entry({ Detail: '[1]' }), entry({ EventBusName: 'elsewhere' }), entry()],
      }),
    );
    assert.equal(answer.FailedEntryCount, 2);
    assert.deepEqual(
      answer.Entries?.map((e) => e.ErrorCode ?? 'ok'),
      ['ok', 'MalformedDetail', 'ResourceNotFoundException', 'ok'],
    );
    await assert.rejects(
      client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry()) })),
      {
        name: 'ValidationException',
      },
    );
    await assert.rejects(
      client.send(
        new PutEventsCommand({ Entries: [entry({ Detail: JSON.stringify({ x: 'x'.repeat(262_144) }) })] }),
      ),
      { name: 'ValidationException' },
    );
  });

  it('counts an entry’s Time (14 bytes) against the 256 KiB request limit, and stamps the event with it', async () => {
    const client = clientAs('local');
    const overLimit = {
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    };
    // Source "test" and DetailType "probe" are 9 bytes; {"pad":"…"} is 10 bytes and its padding.
    const detailOf = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - 10) });
    const full = entry({ Detail: detailOf(262_144 - 9) });
    const at = new Date('2030-01-02T03:04:05.000Z');

    // Without a Time, exactly 256 KiB is within the limit, and the event is stamped when the bus takes it.
    const now = new Date('2029-06-07T08:09:10.000Z');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
    try {
      const accepted = await client.send(new PutEventsCommand({ Entries: [full] }));
      assert.equal(accepted.FailedEntryCount, 0);
    } finally {
      vi.useRealTimers();
    }
    assert.deepEqual(bus.events().at(-1)?.time, now);

    // The same entry with a Time is 14 bytes over; 14 bytes less of Detail make room for it.
    await assert.rejects(client.send(new PutEventsCommand({ Entries: [{ ...full, Time: at }] })), overLimit);
    const timed = entry({ Detail: detailOf(262_144 - 9 - 14), Time: at });
    const accepted = await client.send(new PutEventsCommand({ Entries: [timed] }));
    assert.equal(accepted.FailedEntryCount, 0);
    assert.deepEqual(bus.events().at(-1)?.time, at);
    await assert.rejects(
      client.send(
        new PutEventsCommand({ Entries: [entry({ Detail: detailOf(262_144 - 9 - 13), Time: at })] }),
      ),
      overLimit,
    );
  });
});
