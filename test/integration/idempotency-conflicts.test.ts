import assert from 'node:assert/strict';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, describe, it, vi } from 'vitest';
import type { Principal } from '../../functions/shared/auth/principal';
import { documentClient, domainTableName } from '../../functions/shared/db/client';
import { WriteCancelledError, writeItems } from '../../functions/shared/db/write-items';
import { ConflictError, IdempotencyKeyReusedError } from '../../functions/shared/http/errors';
import { answerIdempotently, successStatus } from '../../functions/shared/http/idempotent-request';
import type { Operation } from '../../functions/shared/http/operation';
import { json } from '../../functions/shared/http/response';
import { claimFor, type IdempotencyClaim, NO_CLAIM } from '../../functions/shared/idempotency/claim';
import {
  type IdempotencyRecord,
  readRecord,
  recordId,
  recordPut,
  requestHash,
} from '../../functions/shared/idempotency/record';
import { logger } from '../../functions/shared/logger';
import { createTestTables } from '../support/database';
import { uniqueTenant } from '../support/invoke';

/**
 * `answerIdempotently` and the idempotency record against DynamoDB Local, each path on its own: no
 * key (the operation runs with no claim); the first request (its claim's Put is exactly the record,
 * written in the operation's own transaction); a retry (the original status, the replayed header, the
 * replay's body); another request with the key (422, and the operation does not run); another
 * caller, tenant or operation with the same key (a key of its own); a failed operation that lost to
 * a committed winner (answers as the winner); one with no winner (its own error); and a record at
 * its expiry second (dead: the key is free, the Put's condition lets it be taken again). The
 * operations here are small functions that write a resource item with the claim, as stores do.
 */
const tables = await createTestTables();
afterAll(() => tables.drop());
afterEach(() => {
  delete process.env.IDEMPOTENCY_RETENTION_SECONDS;
});

const op: Operation = {
  operationId: 'createThing',
  method: 'POST',
  path: '/v1/things',
  summary: 'Create a thing',
  tag: 'Things',
  auth: { roles: ['admin'] },
  idempotent: true,
  responses: { 201: { description: 'created' }, 422: { description: 'reused' } },
};

const who = (tenantId: string, userId = 'ann'): Principal => ({ tenantId, userId, roles: ['admin'] });
const NOW = new Date('2026-03-01T10:00:00.000Z');
const NOW_SECONDS = 1_772_359_200;

/** An operation that creates a resource item in the same write as its claim, and counts its runs. */
function creator(resourceId: string, extras?: Record<string, unknown>) {
  const runs: IdempotencyClaim[] = [];
  const run = async (claim: IdempotencyClaim) => {
    runs.push(claim);
    await writeItems([
      {
        Put: {
          TableName: domainTableName(),
          Item: { pk: `THING#${resourceId}`, sk: 'THING', id: resourceId },
        },
      },
      ...claim.items(resourceId, extras),
    ]);
    return json(201, { id: resourceId, fresh: true }, { location: `/v1/things/${resourceId}` });
  };
  return { run, runs };
}

/** A replay that answers from the record, as a real one reads the resource as it is now. */
const replays: IdempotencyRecord[] = [];
const replay = async (record: IdempotencyRecord) => {
  replays.push(record);
  return json(
    200,
    { id: record.resourceId, replayed: true },
    { location: `/v1/things/${record.resourceId}` },
  );
};

const idempotencyItem = async (id: string) =>
  (
    await documentClient.send(
      new GetCommand({ TableName: process.env.IDEMPOTENCY_TABLE_NAME, Key: { id }, ConsistentRead: true }),
    )
  ).Item;

describe('a request without a key', () => {
  it('runs with no claim, writes no record and never replays', async () => {
    const { run, runs } = creator('res-nokey');
    const before = replays.length;
    const response = await answerIdempotently(
      op,
      { principal: who(uniqueTenant()), params: {}, body: { a: 1 }, idempotencyKey: undefined },
      NOW,
      run,
      replay,
    );
    assert.equal(response.status, 201);
    assert.deepEqual(runs, [NO_CLAIM]);
    assert.deepEqual(NO_CLAIM.items('res-nokey'), []);
    assert.equal(replays.length, before);
  });
});

describe('the first request with a key, then its retries', () => {
  it('writes exactly the record in the operation’s transaction, then replays it with the first status', async () => {
    const tenantId = uniqueTenant();
    const { run, runs } = creator('res-1');
    const request = {
      principal: who(tenantId),
      params: { x: '1' },
      body: { name: 'A' },
      idempotencyKey: 'k-1',
    };
    const first = await answerIdempotently(op, request, NOW, run, replay);
    assert.deepEqual(first, {
      status: 201,
      body: { id: 'res-1', fresh: true },
      headers: { location: '/v1/things/res-1' },
    });
    const id = recordId(tenantId, 'ann', 'createThing', 'k-1');
    assert.deepEqual(await idempotencyItem(id), {
      id,
      requestHash: requestHash({ x: '1' }, { name: 'A' }),
      operationId: 'createThing',
      resourceId: 'res-1',
      statusCode: 201,
      createdAt: '2026-03-01T10:00:00.000Z',
      expiration: NOW_SECONDS + 86_400,
    });

    const later = new Date(NOW.getTime() + 60_000);
    const retry = await answerIdempotently(op, { ...request, body: { name: 'A' } }, later, run, replay);
    assert.deepEqual(retry, {
      status: 201,
      body: { id: 'res-1', replayed: true },
      headers: { location: '/v1/things/res-1', 'idempotent-replayed': 'true' },
    });
    assert.equal(runs.length, 1, 'the retry does not run the operation');
    assert.equal(replays.at(-1)?.resourceId, 'res-1');
  });

  it('logs each replay with the id of the resource it answers from, and nothing else', async () => {
    const tenantId = uniqueTenant();
    const request = { principal: who(tenantId), params: {}, body: { n: 1 }, idempotencyKey: 'k-log' };
    await answerIdempotently(op, request, NOW, creator('res-log').run, replay);
    const info = vi.spyOn(logger, 'info');
    try {
      await answerIdempotently(op, request, NOW, creator('res-log').run, replay);
      assert.deepEqual(info.mock.calls, [['idempotent replay', { resourceId: 'res-log' }]]);
    } finally {
      info.mockRestore();
    }
  });

  it('refuses the key with another body or other path parameters (422), running nothing', async () => {
    const tenantId = uniqueTenant();
    const { run, runs } = creator('res-2');
    const request = {
      principal: who(tenantId),
      params: { x: '1' },
      body: { name: 'A' },
      idempotencyKey: 'k-2',
    };
    await answerIdempotently(op, request, NOW, run, replay);
    const before = replays.length;
    for (const other of [
      { ...request, body: { name: 'B' } },
      { ...request, params: { x: '2' } },
    ]) {
      await assert.rejects(answerIdempotently(op, other, NOW, run, replay), (error: unknown) => {
        assert.ok(error instanceof IdempotencyKeyReusedError);
        assert.equal(error.statusCode, 422);
        assert.equal(error.type, 'idempotency-key-reused');
        return true;
      });
    }
    assert.equal(runs.length, 1);
    assert.equal(replays.length, before, 'a refused request replays nothing');
  });

  it('the same key of another user, tenant or operation is another key: it creates', async () => {
    const tenantId = uniqueTenant();
    const request = { principal: who(tenantId), params: {}, body: { n: 1 }, idempotencyKey: 'k-3' };
    await answerIdempotently(op, request, NOW, creator('res-3a').run, replay);
    const others = [
      { ...request, principal: who(tenantId, 'bob') },
      { ...request, principal: who(uniqueTenant()) },
    ];
    for (const [i, other] of others.entries()) {
      const made = creator(`res-3-${i}`);
      const response = await answerIdempotently(op, other, NOW, made.run, replay);
      assert.equal(response.status, 201);
      assert.equal(response.headers?.['idempotent-replayed'], undefined);
      assert.equal(made.runs.length, 1);
    }
    const made = creator('res-3-op');
    await answerIdempotently({ ...op, operationId: 'createOther' }, request, NOW, made.run, replay);
    assert.equal(made.runs.length, 1);
  });

  it('records the extras a creation gives, and none when they are empty', async () => {
    const tenantId = uniqueTenant();
    const base = { principal: who(tenantId), params: {}, body: {} };
    await answerIdempotently(
      op,
      { ...base, idempotencyKey: 'k-4a' },
      NOW,
      creator('r4a', { warnings: ['w'] }).run,
      replay,
    );
    await answerIdempotently(op, { ...base, idempotencyKey: 'k-4b' }, NOW, creator('r4b', {}).run, replay);
    assert.deepEqual((await idempotencyItem(recordId(tenantId, 'ann', 'createThing', 'k-4a')))?.extras, {
      warnings: ['w'],
    });
    const bare = await idempotencyItem(recordId(tenantId, 'ann', 'createThing', 'k-4b'));
    assert.ok(bare);
    assert.equal(Object.hasOwn(bare, 'extras'), false);
  });

  it('keeps a key for the configured retention', async () => {
    process.env.IDEMPOTENCY_RETENTION_SECONDS = '90';
    const tenantId = uniqueTenant();
    await answerIdempotently(
      op,
      { principal: who(tenantId), params: {}, body: {}, idempotencyKey: 'k-5' },
      new Date('2026-03-01T10:00:00.999Z'),
      creator('r5').run,
      replay,
    );
    assert.equal(
      (await idempotencyItem(recordId(tenantId, 'ann', 'createThing', 'k-5')))?.expiration,
      NOW_SECONDS + 90,
    );
  });
});

describe('a request whose operation fails', () => {
  /** An operation that lets a concurrent winner commit the key, then fails as a loser does. */
  const losing = (winner: string, failure: Error) => async (claim: IdempotencyClaim) => {
    await writeItems(claim.items(winner));
    throw failure;
  };

  it('answers as the winner that committed the key meanwhile, whether refused (4xx) or cancelled', async () => {
    for (const failure of [
      new ConflictError('taken', 'Taken', 'lost the race'),
      new WriteCancelledError(['TransactionConflict']),
    ]) {
      const tenantId = uniqueTenant();
      const response = await answerIdempotently(
        op,
        { principal: who(tenantId), params: {}, body: { n: 1 }, idempotencyKey: 'k-6' },
        NOW,
        losing('winner-6', failure),
        replay,
      );
      assert.deepEqual(response, {
        status: 201,
        body: { id: 'winner-6', replayed: true },
        headers: { location: '/v1/things/winner-6', 'idempotent-replayed': 'true' },
      });
    }
  });

  it('a winner with another body is still a 422 for the loser', async () => {
    const tenantId = uniqueTenant();
    const request = { principal: who(tenantId), params: {}, body: { n: 1 }, idempotencyKey: 'k-7' };
    const id = recordId(tenantId, 'ann', 'createThing', 'k-7');
    const run = async () => {
      await writeItems(claimFor(id, requestHash({}, { n: 2 }), 'createThing', 201, NOW).items('other'));
      throw new ConflictError('taken', 'Taken', 'lost the race');
    };
    await assert.rejects(answerIdempotently(op, request, NOW, run, replay), IdempotencyKeyReusedError);
  });

  it('without a winner throws its own error, reading the key once after a 4xx and up to five times otherwise', async () => {
    const reads = countIdempotencyReads();
    try {
      const refused = new ConflictError('taken', 'Taken', 'refused');
      const request = { principal: who(uniqueTenant()), params: {}, body: {}, idempotencyKey: 'k-8' };
      reads.count = 0;
      await assert.rejects(
        answerIdempotently(op, request, NOW, async () => Promise.reject(refused), replay),
        (error) => error === refused,
      );
      assert.equal(reads.count, 2, 'the first look-up, then one after the refusal');
      const crashed = new Error('connection reset');
      reads.count = 0;
      await assert.rejects(
        answerIdempotently(
          op,
          { ...request, idempotencyKey: 'k-8b' },
          NOW,
          async () => Promise.reject(crashed),
          replay,
        ),
        (error) => error === crashed,
      );
      assert.equal(reads.count, 6, 'the first look-up, then five while a winner may still commit');
    } finally {
      reads.remove();
    }
  });

  it('throws its own error when the key cannot be read after the failure', async () => {
    const table = process.env.IDEMPOTENCY_TABLE_NAME;
    const failure = new ConflictError('taken', 'Taken', 'refused');
    try {
      await assert.rejects(
        answerIdempotently(
          op,
          { principal: who(uniqueTenant()), params: {}, body: {}, idempotencyKey: 'k-9' },
          NOW,
          async () => {
            process.env.IDEMPOTENCY_TABLE_NAME = 'no-such-table';
            throw failure;
          },
          replay,
        ),
        (error) => error === failure,
      );
    } finally {
      process.env.IDEMPOTENCY_TABLE_NAME = table;
    }
  });
});

describe('a record’s life', () => {
  const put = (id: string, expiration: number) =>
    documentClient.send(
      new PutCommand({
        TableName: process.env.IDEMPOTENCY_TABLE_NAME,
        Item: {
          id,
          requestHash: 'h',
          operationId: 'createThing',
          resourceId: 'r',
          statusCode: 201,
          createdAt: 'x',
          expiration,
        },
      }),
    );

  it('is live until the second of its expiration, which reads as gone', async () => {
    const id = `${uniqueTenant()}#life`;
    await put(id, NOW_SECONDS + 1);
    assert.equal((await readRecord(id, NOW))?.resourceId, 'r');
    assert.equal((await readRecord(id, new Date(NOW.getTime() + 999)))?.resourceId, 'r');
    assert.equal(await readRecord(id, new Date(NOW.getTime() + 1000)), undefined);
    assert.equal(await readRecord(`${id}-never`, NOW), undefined);
  });

  it('the Put takes a free key and an expired one, never a live one', async () => {
    const id = `${uniqueTenant()}#put`;
    const record = (resourceId: string): IdempotencyRecord => ({
      id,
      requestHash: 'h',
      operationId: 'createThing',
      resourceId,
      statusCode: 201,
      createdAt: NOW.toISOString(),
      expiration: NOW_SECONDS + 10,
    });
    assert.deepEqual(recordPut(record('a'), NOW), {
      Put: {
        TableName: process.env.IDEMPOTENCY_TABLE_NAME,
        Item: record('a'),
        ConditionExpression: 'attribute_not_exists(#id) OR #expiration <= :now',
        ExpressionAttributeNames: { '#id': 'id', '#expiration': 'expiration' },
        ExpressionAttributeValues: { ':now': NOW_SECONDS },
      },
    });
    await writeItems([recordPut(record('a'), NOW)]);
    await assert.rejects(
      writeItems([recordPut(record('b'), new Date((NOW_SECONDS + 9) * 1000))]),
      WriteCancelledError,
    );
    await writeItems([recordPut(record('c'), new Date((NOW_SECONDS + 10) * 1000))]);
    assert.equal((await idempotencyItem(id))?.resourceId, 'c');
  });
});

describe('successStatus', () => {
  const withResponses = (codes: number[]): Operation => ({
    ...op,
    responses: Object.fromEntries(codes.map((code) => [code, { description: String(code) }])),
  });

  it('is the first 2xx the operation declares, 200 and 299 included', () => {
    assert.equal(successStatus(withResponses([200, 400])), 200);
    assert.equal(successStatus(withResponses([101, 299, 300])), 299);
    assert.equal(successStatus(withResponses([199, 202, 201])), 201);
  });

  it('fails for an operation without a 2xx', () => {
    assert.throws(() => successStatus(withResponses([199, 300, 404])), {
      message: 'createThing declares no 2xx response',
    });
  });
});

/** Counts the GetItem requests this process sends to the idempotency table (a middleware that only observes). */
function countIdempotencyReads() {
  const name = 'count-idempotency-reads';
  const counter = {
    count: 0,
    remove: () => documentClient.middlewareStack.remove(name),
  };
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string };
      if (
        ['GetCommand', 'GetItemCommand'].includes(String(context.commandName)) &&
        input.TableName === process.env.IDEMPOTENCY_TABLE_NAME
      )
        counter.count++;
      return next(args);
    },
    { step: 'initialize', name },
  );
  return counter;
}
