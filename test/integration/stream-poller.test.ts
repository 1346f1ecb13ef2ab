import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, describe, it } from 'vitest';
import { type StreamFunction, type StreamSource, streamConsumer } from '../../functions/manifest';
import { domainTable } from '../../functions/shared/db/tables';
import { ensureTable } from '../../local/create-tables';
import type { ConsumerCheckpoints } from '../../local/streams/checkpoints';
import { type StreamPoller, type StreamPollerOptions, startStreamPoller } from '../../local/streams/poller';

/**
 * The twin's stream poller against the DynamoDB Local that `npm test` runs: each test writes to a
 * table of its own (made from the domain table's definition, so with its stream) and reads what
 * in-process consumers were handed. No test waits on the clock: `drained()` resolves once every
 * consumer has done with all the stream held when it was called.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB as string;
const client = new DynamoDBClient({});
const tables: string[] = [];
const dirs: string[] = [];
const pollers: StreamPoller[] = [];

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
});
afterAll(async () => {
  for (const table of tables) await client.send(new DeleteTableCommand({ TableName: table }));
  client.destroy();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function freshTable(): Promise<string> {
  const name = `streams-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, name, domainTable);
  tables.push(name);
  return name;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'orderly-streams-'));
  dirs.push(dir);
  return dir;
}

/** An item of the domain table: `key` is its partition, `version` orders a key's writes. */
async function put(table: string, key: string, version: number, extra: Record<string, string> = {}) {
  await client.send(
    new PutItemCommand({
      TableName: table,
      Item: {
        pk: { S: key },
        sk: { S: 'ITEM' },
        version: { N: String(version) },
        ...Object.fromEntries(Object.entries(extra).map(([name, value]) => [name, { S: value }])),
      },
    }),
  );
}

const consumer = (name: string, source: Partial<StreamSource> = {}): StreamFunction =>
  streamConsumer(
    name,
    'test/integration/stream-poller.test.ts',
    { filters: [], batchingWindowSeconds: 0, ...source },
    {},
  );

type Handle = (records: DynamoDBRecord[], consumer: string, call: number) => unknown;

/** Runs the poller with in-process consumers, keeping every batch each was handed. */
async function poll(
  table: string,
  consumers: StreamFunction[],
  handle: Handle = () => undefined,
  options: Partial<StreamPollerOptions> = {},
) {
  const batches: { consumer: string; records: DynamoDBRecord[] }[] = [];
  const lines: string[] = [];
  const poller = await startStreamPoller({
    dynamoDbEndpoint: endpoint,
    tableName: table,
    consumers,
    invoke: async (fn: StreamFunction, event: DynamoDBStreamEvent) => {
      batches.push({ consumer: fn.name, records: event.Records });
      return handle(event.Records, fn.name, batches.filter((b) => b.consumer === fn.name).length);
    },
    retryDelayScale: 0.001,
    log: (line) => lines.push(line),
    ...options,
  });
  pollers.push(poller);
  const delivered = (name: string) =>
    batches.filter((batch) => batch.consumer === name).flatMap((batch) => batch.records.map(keyAndVersion));
  return { poller, batches, lines, delivered };
}

const keyOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.pk?.S as string;
const keyAndVersion = (record: DynamoDBRecord) =>
  `${keyOf(record)}@${record.dynamodb?.NewImage?.version?.N ?? record.dynamodb?.OldImage?.version?.N}`;

async function inPool(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 60_000) throw new Error(`Still waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the stream poller delivers DynamoDB Local’s stream as Lambda would', () => {
  it('every record once, in write order per key, in Lambda’s event shape, over a few hundred writes to many keys', async () => {
    const table = await freshTable();
    const run = await poll(table, [consumer('everything', { batchSize: 25, batchingWindowSeconds: 0.05 })]);
    const KEYS = 30;
    const VERSIONS = 10;
    // Keys are written concurrently, each key's versions one after the other, while the poller reads.
    await inPool(KEYS, 10, async (k) => {
      for (let v = 1; v <= VERSIONS; v++) {
        if (v === 1) await put(table, `key-${k}`, v);
        else {
          await client.send(
            new UpdateItemCommand({
              TableName: table,
              Key: { pk: { S: `key-${k}` }, sk: { S: 'ITEM' } },
              UpdateExpression: 'SET version = :v',
              ExpressionAttributeValues: { ':v': { N: String(v) } },
            }),
          );
        }
      }
    });
    await run.poller.drained();

    const delivered = run.delivered('everything');
    assert.equal(delivered.length, KEYS * VERSIONS);
    assert.equal(new Set(delivered).size, KEYS * VERSIONS, 'no record twice');
    for (let k = 0; k < KEYS; k++) {
      const versions = delivered
        .filter((entry) => entry.startsWith(`key-${k}@`))
        .map((e) => Number(e.split('@')[1]));
      assert.deepEqual(versions, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], `key-${k} in write order`);
    }
    assert.ok(run.batches.every((batch) => batch.records.length <= 25));
    const sequence = run.batches.flatMap((b) =>
      b.records.map((r) => BigInt(r.dynamodb?.SequenceNumber as string)),
    );
    assert.ok(
      sequence.every((n, i) => i === 0 || n > (sequence[i - 1] as bigint)),
      'one shard, in stream order',
    );

    const [first, second] = run.batches.flatMap((batch) => batch.records).filter((r) => keyOf(r) === 'key-0');
    assert.deepEqual(Object.keys(first as object), [
      'eventID',
      'eventName',
      'eventVersion',
      'eventSource',
      'awsRegion',
      'dynamodb',
      'eventSourceARN',
    ]);
    assert.equal(first?.eventName, 'INSERT');
    assert.equal(first?.eventVersion, '1.1');
    assert.equal(first?.eventSource, 'aws:dynamodb');
    assert.equal(first?.eventSourceARN, run.poller.streamArn);
    assert.match(run.poller.streamArn, new RegExp(`^arn:aws:dynamodb:[^:]+:\\d{12}:table/${table}/stream/`));
    assert.deepEqual(first?.dynamodb?.Keys, { pk: { S: 'key-0' }, sk: { S: 'ITEM' } });
    assert.deepEqual(first?.dynamodb?.NewImage, {
      pk: { S: 'key-0' },
      sk: { S: 'ITEM' },
      version: { N: '1' },
    });
    assert.equal(first?.dynamodb?.OldImage, undefined);
    assert.equal(first?.dynamodb?.StreamViewType, 'NEW_AND_OLD_IMAGES');
    assert.equal(typeof first?.dynamodb?.SizeBytes, 'number');
    assert.match(first?.dynamodb?.SequenceNumber as string, /^\d+$/);
    const created = first?.dynamodb?.ApproximateCreationDateTime as number;
    assert.equal(typeof created, 'number', 'epoch seconds, as Lambda sends it');
    assert.ok(Math.abs(created * 1000 - Date.now()) < 10 * 60_000, 'about now');
    assert.equal(second?.eventName, 'MODIFY');
    assert.deepEqual(second?.dynamodb?.OldImage?.version, { N: '1' });
    assert.deepEqual(second?.dynamodb?.NewImage?.version, { N: '2' });

    const stats = run.poller.stats().everything;
    assert.equal(stats?.recordsRead, KEYS * VERSIONS);
    assert.equal(stats?.delivered, KEYS * VERSIONS);
    assert.equal(stats?.invocations, run.batches.length);
  });

  it('every attribute type arrives as Lambda’s JSON carries it (binaries in base64, numbers as strings)', async () => {
    const table = await freshTable();
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: 'typed' },
          sk: { S: 'ITEM' },
          n: { N: '12.50' },
          b: { B: Uint8Array.from([0, 1, 254, 255]) },
          bs: { BS: [Uint8Array.from([1]), Uint8Array.from([2, 3])] },
          ss: { SS: ['a', 'b'] },
          ns: { NS: ['1', '2.5'] },
          yes: { BOOL: true },
          nothing: { NULL: true },
          list: { L: [{ S: 'x' }, { M: { deep: { B: Uint8Array.from([9]) } } }] },
          map: { M: { count: { N: '3' }, tags: { SS: ['t'] } } },
          // Empty ones: the Streams client turns an empty map into `{}`, which must come back as a map.
          none: { M: {} },
          nested: { M: { none: { M: {} }, empty: { L: [] } } },
        },
      }),
    );
    const run = await poll(table, [consumer('typed')]);
    await run.poller.drained();
    const image = run.batches[0]?.records[0]?.dynamodb?.NewImage;
    // What Lambda's JSON event holds, parsed: the SDK's Uint8Arrays would not survive JSON.
    assert.deepEqual(JSON.parse(JSON.stringify(image)), {
      pk: { S: 'typed' },
      sk: { S: 'ITEM' },
      n: { N: '12.5' }, // DynamoDB keeps numbers normalised
      b: { B: 'AAH+/w==' },
      bs: { BS: ['AQ==', 'AgM='] },
      ss: { SS: ['a', 'b'] },
      ns: { NS: ['1', '2.5'] },
      yes: { BOOL: true },
      nothing: { NULL: true },
      list: { L: [{ S: 'x' }, { M: { deep: { B: 'CQ==' } } }] },
      map: { M: { count: { N: '3' }, tags: { SS: ['t'] } } },
      none: { M: {} },
      nested: { M: { none: { M: {} }, empty: { L: [] } } },
    });
  });

  it('filters: records no pattern matches are skipped, and the checkpoint moves past them', async () => {
    const table = await freshTable();
    const stateDir = tempDir();
    const outbox = consumer('outbox', {
      filters: [{ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['ORDER_EVENT'] } } } }],
    });
    const all = consumer('all');
    for (let i = 0; i < 12; i++)
      await put(table, `order-${i}`, 1, { entity: i % 3 === 0 ? 'ORDER_EVENT' : 'ORDER' });
    await put(table, 'order-0', 2, { entity: 'ORDER_EVENT' }); // a MODIFY of an event: filtered out
    await put(table, 'customer-1', 1, { entity: 'CUSTOMER' }); // the stream's last record is filtered out too
    const run = await poll(table, [outbox, all], undefined, { stateDir });
    await run.poller.drained();

    assert.deepEqual(run.delivered('outbox'), ['order-0@1', 'order-3@1', 'order-6@1', 'order-9@1']);
    assert.equal(run.delivered('all').length, 14);
    const stats = run.poller.stats();
    assert.equal(stats.outbox?.filteredOut, 10);
    assert.equal(stats.outbox?.delivered, 4);
    assert.equal(stats.all?.filteredOut, 0);

    const lastRecord = run.batches
      .filter((b) => b.consumer === 'all')
      .flatMap((b) => b.records)
      .at(-1);
    const saved = JSON.parse(
      readFileSync(join(stateDir, 'checkpoints', 'outbox.json'), 'utf8'),
    ) as ConsumerCheckpoints;
    assert.equal(saved.streamArn, run.poller.streamArn);
    assert.deepEqual(Object.values(saved.shards), [{ sequenceNumber: lastRecord?.dynamodb?.SequenceNumber }]);
  });

  it('a poison record: its batch is bisected, the good records processed once, the poison record dead-lettered after its retries, and later records still delivered', async () => {
    const table = await freshTable();
    const fussy = consumer('fussy', { batchSize: 10, retryAttempts: 2, bisectOnError: true });
    for (let i = 0; i < 20; i++)
      await put(table, `k${String(i).padStart(2, '0')}`, 1, i === 7 ? { poison: 'yes' } : {});
    const processed: string[] = [];
    const run = await poll(table, [fussy], (records) => {
      if (records.some((record) => record.dynamodb?.NewImage?.poison)) {
        throw new TypeError(
          `cannot handle ${records.find((r) => r.dynamodb?.NewImage?.poison)?.dynamodb?.Keys?.pk?.S}`,
        );
      }
      processed.push(...records.map(keyOf));
      return { batchItemFailures: [] };
    });
    await run.poller.drained();

    const good = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`).filter(
      (k) => k !== 'k07',
    );
    assert.deepEqual(processed, good, 'each good record once, in order');
    const letters = run.poller.deadLetters('fussy');
    assert.equal(letters.length, 1);
    const [letter] = letters;
    assert.deepEqual(letter?.records.map(keyOf), ['k07']);
    assert.equal(letter?.requestContext.condition, 'RetryAttemptsExhausted');
    // [k00–k09], [k05–k09], [k05–k07], [k07], then its two retries.
    assert.equal(letter?.requestContext.approximateInvokeCount, 6);
    assert.equal(letter?.requestContext.functionArn, 'arn:aws:lambda:local:000000000000:function:fussy');
    assert.deepEqual(letter?.responseContext, {
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
    assert.deepEqual(letter?.error, { name: 'TypeError', message: 'cannot handle k07' });
    const sequenceNumber = letter?.records[0]?.dynamodb?.SequenceNumber;
    assert.equal(letter?.version, '1.0');
    assert.equal(letter?.DDBStreamBatchInfo.batchSize, 1);
    assert.equal(letter?.DDBStreamBatchInfo.startSequenceNumber, sequenceNumber);
    assert.equal(letter?.DDBStreamBatchInfo.endSequenceNumber, sequenceNumber);
    assert.equal(letter?.DDBStreamBatchInfo.streamArn, run.poller.streamArn);
    assert.match(letter?.DDBStreamBatchInfo.shardId as string, /^shardId-/);
    assert.match(letter?.DDBStreamBatchInfo.approximateArrivalOfFirstRecord as string, /^\d{4}-\d\d-\d\dT/);
    assert.ok(
      run.lines.some(
        (line) => line.includes('fussy: 1 record(s)') && line.includes('RetryAttemptsExhausted'),
      ),
    );
    const stats = run.poller.stats().fussy;
    assert.equal(stats?.retries, 2);
    assert.equal(stats?.bisections, 3);
    assert.equal(stats?.deadLettered, 1);

    await put(table, 'k20', 1);
    await put(table, 'k21', 1);
    await run.poller.drained();
    assert.deepEqual(processed.slice(-2), ['k20', 'k21']);
  });

  it('a partial batch failure is retried from the failed record only', async () => {
    const table = await freshTable();
    for (let i = 0; i < 10; i++) await put(table, `p${i}`, 1);
    const run = await poll(table, [consumer('partial', { batchSize: 10 })], (records, _name, call) =>
      // As eachRecord answers: the first record it could not handle, and everything after it.
      call === 1
        ? { batchItemFailures: records.slice(4).map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber })) }
        : { batchItemFailures: [] },
    );
    await run.poller.drained();
    assert.deepEqual(
      run.batches.map((batch) => batch.records.map(keyOf)),
      [
        ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9'],
        ['p4', 'p5', 'p6', 'p7', 'p8', 'p9'],
      ],
    );
    assert.equal(run.poller.stats().partial?.retries, 1);
    assert.deepEqual(run.poller.deadLetters(), []);
  });

  it('an itemIdentifier that is not in the batch fails the whole batch', async () => {
    const table = await freshTable();
    for (let i = 0; i < 3; i++) await put(table, `q${i}`, 1);
    const run = await poll(
      table,
      [consumer('confused', { batchSize: 10, bisectOnError: false })],
      (_r, _n, call) => (call === 1 ? { batchItemFailures: [{ itemIdentifier: 'q1' }] } : undefined),
    );
    await run.poller.drained();
    assert.deepEqual(
      run.batches.map((batch) => batch.records.map(keyOf)),
      [
        ['q0', 'q1', 'q2'],
        ['q0', 'q1', 'q2'],
      ],
    );
  });

  it('records older than maxRecordAgeSeconds go to the dead-letter store unprocessed, and npm run dlq lists them', async () => {
    const table = await freshTable();
    const dataDir = tempDir();
    const stateDir = join(dataDir, 'streams');
    let clockOffset = 2 * 3600_000;
    for (let i = 0; i < 3; i++) await put(table, `old-${i}`, 1);
    const run = await poll(
      table,
      [consumer('ageing', { maxRecordAgeSeconds: 3600 }), consumer('patient')],
      undefined,
      {
        stateDir,
        now: () => Date.now() + clockOffset,
      },
    );
    await run.poller.drained();
    assert.deepEqual(run.delivered('ageing'), []);
    assert.equal(run.delivered('patient').length, 3, 'another consumer’s limit is its own');
    const [letter, ...more] = run.poller.deadLetters('ageing');
    assert.equal(more.length, 0);
    assert.equal(letter?.requestContext.condition, 'RecordAgeExceeded');
    assert.equal(letter?.requestContext.approximateInvokeCount, 0);
    assert.equal(letter?.responseContext, undefined, 'never invoked');
    assert.deepEqual(letter?.records.map(keyOf), ['old-0', 'old-1', 'old-2']);

    clockOffset = 0;
    await put(table, 'fresh', 1);
    await run.poller.drained();
    assert.deepEqual(run.delivered('ageing'), ['fresh@1']);

    const dlq = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', './local/ts-hooks.mjs', 'local/dlq.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, ORDERLY_DATA_DIR: dataDir },
        encoding: 'utf8',
      });
    const listed = dlq();
    assert.equal(listed.status, 0, listed.stderr);
    const first = letter?.records[0]?.dynamodb?.SequenceNumber as string;
    const last = letter?.records[2]?.dynamodb?.SequenceNumber as string;
    assert.match(listed.stdout, /ageing {2}RecordAgeExceeded after 0 invocation\(s\)/);
    assert.ok(listed.stdout.includes(letter?.DDBStreamBatchInfo.shardId as string));
    assert.ok(listed.stdout.includes(`${first} … ${last} (3 record(s)`));
    assert.match(listed.stdout, new RegExp(`${first} INSERT pk=old-0 sk=ITEM`));
    assert.match(listed.stdout, /1 dead letter\(s\) \(ageing 1\) in .*streams\/dead-letters\./);

    const json = dlq('--json');
    assert.equal(json.status, 0, json.stderr);
    assert.deepEqual(
      json.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
      run.poller.deadLetters(),
    );
    const other = dlq('patient');
    assert.equal(other.status, 0);
    assert.match(other.stdout, /^No dead letters of patient in .*dead-letters\.\n$/);
    const empty = dlq('--dir', tempDir());
    assert.match(empty.stdout, /^No dead letters in /);
    const wrong = dlq('a', 'b');
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /Usage: npm run -s dlq/);
  });

  it('a failing consumer holds back no other, and stop() ends its retries without dead-lettering', async () => {
    const table = await freshTable();
    const stuck = consumer('stuck', { retryAttempts: -1, bisectOnError: false, maxRecordAgeSeconds: -1 });
    const run = await poll(
      table,
      [stuck, consumer('healthy')],
      (_records, name) => {
        if (name === 'stuck') throw new Error('downstream is down');
      },
      { retryDelayScale: 1000 },
    );
    for (let i = 0; i < 5; i++) await put(table, `h${i}`, 1);
    await until(() => run.delivered('healthy').length === 5, 'the healthy consumer');
    await until(() => run.batches.some((b) => b.consumer === 'stuck'), 'the stuck consumer’s first try');
    // The stuck consumer now waits out a back-off of 1000 s: stop() cuts it short.
    await run.poller.stop();
    assert.deepEqual(run.poller.deadLetters(), []);
    assert.equal(run.poller.stats().stuck?.delivered, 0);
    await assert.rejects(run.poller.drained(), /stopped/);
  });

  it('a shard that closes is read to its end and marked finished in the checkpoint', async () => {
    // DynamoDB Local never rolls shards over as a server, but disabling the stream closes its shard.
    const table = await freshTable();
    const stateDir = tempDir();
    const run = await poll(table, [consumer('closing', { batchSize: 2 })], undefined, { stateDir });
    for (let i = 0; i < 5; i++) await put(table, `c${i}`, 1);
    await run.poller.drained();
    await client.send(
      new UpdateTableCommand({ TableName: table, StreamSpecification: { StreamEnabled: false } }),
    );
    await run.poller.drained();
    assert.deepEqual(run.delivered('closing'), ['c0@1', 'c1@1', 'c2@1', 'c3@1', 'c4@1']);
    const saved = JSON.parse(
      readFileSync(join(stateDir, 'checkpoints', 'closing.json'), 'utf8'),
    ) as ConsumerCheckpoints;
    const last = run.batches.at(-1)?.records.at(-1)?.dynamodb?.SequenceNumber;
    assert.deepEqual(Object.values(saved.shards), [{ sequenceNumber: last, finished: true }]);
  });

  it('stop() leaves no timer and no socket behind', async () => {
    const table = await freshTable();
    await put(table, 'only', 1);
    const before = process.getActiveResourcesInfo();
    // Every TCP socket opened from here on, until closed: idle keep-alive sockets are unref'd, so
    // the active-resource list alone would not see one left open.
    const open = new Set<number>();
    const sockets = createHook({
      init: (id, type) => void (type === 'TCPWRAP' && open.add(id)),
      destroy: (id) => void open.delete(id),
    }).enable();
    // Polling every millisecond, stop() mostly meets a GetRecords in flight and has to cut it off.
    const run = await poll(table, [consumer('a'), consumer('b')], undefined, { pollIntervalMs: 1 });
    await run.poller.drained();
    const opened = open.size;
    await run.poller.stop();
    // A destroyed socket is gone only once the event loop has run its close callbacks, which come
    // after this turn's immediates (the second immediate runs after them), and its destroy hook
    // may come a turn later still. A socket left open never closes, however many turns pass.
    for (let turn = 0; turn < 10 && (turn < 2 || open.size > 0); turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    sockets.disable();
    assert.ok(opened > 0, 'the poller opened sockets to DynamoDB Local');
    assert.equal(open.size, 0, 'sockets the poller left open');
    const count = (resources: string[], kind: string) => resources.filter((r) => r === kind).length;
    const after = process.getActiveResourcesInfo();
    // Other things may have ended meanwhile (a keep-alive socket of the test's own client); none began.
    for (const kind of new Set(after)) assert.ok(count(after, kind) <= count(before, kind), kind);
  });
});

describe('checkpoints: a restarted poller skips nothing and repeats at most the batch in flight', () => {
  /**
   * 30 records in batches of 5; the first poller is stopped while its third batch is in flight,
   * and that invocation then ends as `ending` says. A second poller on the same state directory
   * takes over.
   */
  async function restartMidStream(ending: 'fails' | 'succeeds') {
    const table = await freshTable();
    const stateDir = tempDir();
    const keys = Array.from({ length: 30 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    for (const key of keys) await put(table, key, 1);
    const relay = consumer('relay', { batchSize: 5 });

    let inFlight: (() => void) | undefined;
    let release: ((outcome: 'fails' | 'succeeds') => void) | undefined;
    const gate = new Promise<'fails' | 'succeeds'>((resolve) => {
      release = resolve;
    });
    const reachedThird = new Promise<void>((resolve) => {
      inFlight = resolve;
    });
    const first = await poll(
      table,
      [relay],
      async (_records, _name, call) => {
        if (call !== 3) return undefined;
        inFlight?.();
        // The twin's runtime, stopped under an invocation, fails it (its environment is terminated).
        if ((await gate) === 'fails') throw new Error('Runtime exited');
        return undefined;
      },
      { stateDir },
    );
    await reachedThird;
    const stopping = first.poller.stop();
    release?.(ending);
    await stopping;

    const second = await poll(table, [relay], undefined, { stateDir });
    await second.poller.drained();
    return {
      keys,
      firstBatches: first.batches.map((b) => b.records.map(keyOf)),
      resumed: second.delivered('relay'),
    };
  }

  it('an invocation that fails as the poller stops is delivered again, and nothing else is', async () => {
    const { keys, firstBatches, resumed } = await restartMidStream('fails');
    assert.equal(firstBatches.length, 3, 'no batch after the one in flight');
    assert.deepEqual(firstBatches[2], keys.slice(10, 15));
    assert.deepEqual(
      resumed,
      keys.slice(10).map((key) => `${key}@1`),
      'from the batch in flight on',
    );
  });

  it('an invocation that succeeds as the poller stops is checkpointed, and nothing is repeated', async () => {
    const { keys, firstBatches, resumed } = await restartMidStream('succeeds');
    assert.equal(firstBatches.length, 3);
    assert.deepEqual(
      resumed,
      keys.slice(15).map((key) => `${key}@1`),
    );
  });
});
