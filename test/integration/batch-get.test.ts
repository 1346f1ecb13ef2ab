import assert from 'node:assert/strict';
import type { BatchGetItemCommandInput, BatchGetItemCommandOutput } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, it } from 'vitest';
import { createTestTables } from '../support/database';

/**
 * batchGet against DynamoDB Local, with what Local never does made to happen: keys left
 * unprocessed (AWS does this under throttling or past 16 MB). A middleware on the client answers
 * the first calls for fewer keys than asked and hands the rest back as `UnprocessedKeys`, the
 * way DynamoDB does; the keys it does pass on are read from the real table.
 */
const tables = await createTestTables();
const { batchGet } = await import('../../functions/shared/db/batch-get');
const { documentClient, dynamodb } = await import('../../functions/shared/db/client');

const MIDDLEWARE = 'leave-keys-unprocessed';
afterEach(() => {
  dynamodb.middlewareStack.remove(MIDDLEWARE);
});

/**
 * For the first `times` BatchGetItem calls, passes on only `read` keys and returns the others
 * unprocessed. Records how many keys each call asked for.
 */
function leaveUnprocessed(times: number, read: number) {
  const asked: number[] = [];
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'BatchGetItemCommand') return next(args);
      const input = args.input as BatchGetItemCommandInput;
      const [[table, request]] = Object.entries(input.RequestItems ?? {}) as [
        [string, NonNullable<BatchGetItemCommandInput['RequestItems']>[string]],
      ];
      asked.push(request.Keys?.length ?? 0);
      if (asked.length > times) return next(args);
      const keys = request.Keys ?? [];
      const passed = keys.slice(0, read);
      const left = keys.slice(read);
      const result =
        passed.length > 0
          ? await next({
              ...args,
              input: { ...input, RequestItems: { [table]: { ...request, Keys: passed } } },
            })
          : { response: {}, output: { Responses: { [table]: [] }, $metadata: {} } };
      const output = result.output as BatchGetItemCommandOutput;
      output.UnprocessedKeys = left.length > 0 ? { [table]: { ...request, Keys: left } } : {};
      return result;
    },
    { step: 'initialize', name: MIDDLEWARE, override: true },
  );
  return asked;
}

async function putItems(prefix: string, n: number) {
  const keys = Array.from({ length: n }, (_, i) => ({ pk: `${prefix}#${i}`, sk: 'ITEM' }));
  for (const [i, key] of keys.entries())
    await documentClient.send(new PutCommand({ TableName: tables.domain, Item: { ...key, n: i } }));
  return keys;
}

const numbers = (items: Record<string, unknown>[]) => items.map((item) => item.n as number).sort();

describe('batchGet', () => {
  it('reads again what DynamoDB left unprocessed until every key is read', async () => {
    const keys = await putItems('BG1', 4);
    const asked = leaveUnprocessed(2, 1);
    const items = await batchGet(tables.domain, keys);
    assert.deepEqual(numbers(items), [0, 1, 2, 3]);
    assert.deepEqual(asked, [4, 3, 2], 'each retry asks only for the keys left over');
  });

  it('gives up with an error after five retries that read nothing', async () => {
    const keys = await putItems('BG2', 2);
    // Answers normally from the ninth call on: a loop that never gave up would end there with the items.
    const asked = leaveUnprocessed(8, 0);
    await assert.rejects(batchGet(tables.domain, keys), {
      message: 'BatchGetItem left keys unprocessed after 5 retries',
    });
    assert.deepEqual(asked, [2, 2, 2, 2, 2, 2], 'the first call and five retries');
  });

  it('reads nothing for no keys and refuses more than 100', async () => {
    const asked = leaveUnprocessed(0, 0);
    assert.deepEqual(await batchGet(tables.domain, []), []);
    const many = Array.from({ length: 101 }, (_, i) => ({ pk: `BG3#${i}`, sk: 'ITEM' }));
    await assert.rejects(batchGet(tables.domain, many), { message: 'batchGet reads at most 100 keys' });
    assert.deepEqual(asked, []);
  });
});
