import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { type FunctionSpec, functionName } from '../../functions/manifest';
import { health } from '../../functions/system/operations';
import type { InvocationRecord, LogRecord } from '../../local/lambda/runtime';
import { createTestTables } from '../support/database';
import { createTestRuntime } from '../support/lambda';

/**
 * The twin's Lambda execution environments: one invocation at a time each, module state private
 * to an environment, cold on first use and warm after, and an invocation past its time limit
 * terminated with its environment — so it cannot write after its caller was told it timed out.
 */
const tables = await createTestTables();
const { documentClient } = await import('../../functions/shared/db/client');
const runtime = createTestRuntime(tables);
const invocations: InvocationRecord[] = [];
const logs: LogRecord[] = [];
runtime.observers.invocation.add((record) => invocations.push(record));
runtime.observers.log.add((record) => logs.push(record));
afterAll(async () => {
  await runtime.stop();
  await tables.drop();
});

let functions = 0;
/** A function of its own per test, so environments do not carry over between tests. */
const sleeper = (timeoutSeconds = 10): FunctionSpec => ({
  kind: 'http',
  entry: 'test/fixtures/lambda/sleeper.ts',
  operation: { ...health, operationId: `sleeper${functions++}` },
  tables: { domain: ['PutItem'] },
  memoryMb: 256,
  timeoutSeconds,
});
const markerExists = async (marker: string) =>
  Boolean(
    (
      await documentClient.send(
        new GetCommand({
          TableName: tables.domain,
          Key: { pk: `T#lambda#${marker}`, sk: 'MARKER' },
          ConsistentRead: true,
        }),
      )
    ).Item,
  );
/** A proxy in front of DynamoDB Local that holds each request `delayMs` before passing it on. */
async function slowDynamoDbLocal(delayMs: number) {
  const target = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB as string);
  const server = createServer((req, res) => {
    setTimeout(() => {
      const upstream = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
const ofFunction = (fn: FunctionSpec) => invocations.filter((r) => r.functionName === functionName(fn));

describe('the twin’s Lambda execution environments', () => {
  it('creates an environment on first use and reuses it warm; its module state stays its own', async () => {
    const fn = sleeper();
    assert.deepEqual(await runtime.invoke(fn, {}), { invocations: 1 });
    assert.deepEqual(await runtime.invoke(fn, {}), { invocations: 2 });
    assert.deepEqual(
      ofFunction(fn).map((r) => r.coldStart),
      [true, false],
    );
    assert.ok((ofFunction(fn)[0]?.initMs ?? 0) > 0, 'a cold start reports its init time');
  });

  it('serves one invocation at a time per environment: two at once get two environments', async () => {
    const fn = sleeper();
    const results = await Promise.all([
      runtime.invoke(fn, { sleepMs: 200 }),
      runtime.invoke(fn, { sleepMs: 200 }),
    ]);
    assert.deepEqual(results, [{ invocations: 1 }, { invocations: 1 }]);
    assert.deepEqual(
      ofFunction(fn).map((r) => r.coldStart),
      [true, true],
    );
  });

  it('terminates an invocation that waits past its limit, with its environment: its late write never lands', async () => {
    const fn = sleeper(1);
    await assert.rejects(runtime.invoke(fn, { sleepMs: 2_500, marker: 'late' }), (error: Error) => {
      assert.equal(error.name, 'LambdaTimeoutError');
      assert.match(error.message, /timed out after 1\.00 seconds/);
      return true;
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.equal(await markerExists('late'), false, 'the handler was stopped before it could write');
    assert.deepEqual(
      await runtime.invoke(fn, {}),
      { invocations: 1 },
      'the next invocation starts a new environment',
    );
    assert.deepEqual(
      ofFunction(fn).map((r) => [r.coldStart, r.error]),
      [
        [true, 'LambdaTimeoutError'],
        [true, undefined],
      ],
    );
  });

  it('terminates an invocation that computes past its limit', async () => {
    const fn = sleeper(1);
    await assert.rejects(runtime.invoke(fn, { spinMs: 5_000 }), { name: 'LambdaTimeoutError' });
  });

  it('lets an invocation within its limit finish and write', async () => {
    const fn = sleeper(5);
    assert.deepEqual(await runtime.invoke(fn, { sleepMs: 300, marker: 'in-time' }), { invocations: 1 });
    assert.equal(await markerExists('in-time'), true);
  });

  it('does not charge DynamoDB Local’s slowness on a busy machine to the limit: five 400 ms writes fit in one second', async () => {
    // DynamoDB Local behind a proxy that holds every request 400 ms, as a starved Java process would.
    const slow = await slowDynamoDbLocal(400);
    const slowRuntime = createTestRuntime(tables, 'WARN', slow.endpoint);
    try {
      const fn = sleeper(1);
      const started = performance.now();
      assert.deepEqual(await slowRuntime.invoke(fn, { marker: 'slow-local', writes: 5 }), {
        invocations: 1,
      });
      assert.ok(performance.now() - started >= 2_000, 'the five writes did wait 400 ms each');
      assert.equal(await markerExists('slow-local'), true);
      // The rest is charged: a handler that waits on something else past its limit still times out.
      await assert.rejects(slowRuntime.invoke(fn, { sleepMs: 1_500, marker: 'slow-late' }), {
        name: 'LambdaTimeoutError',
      });
    } finally {
      await slowRuntime.stop();
      await slow.close();
    }
  });

  it('reports a function that cannot load as the invocation’s error, and tries a new environment next time', async () => {
    const broken = { ...sleeper(), entry: 'test/fixtures/lambda/broken.ts' };
    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(runtime.invoke(broken, {}), (error: Error) => {
        assert.equal(error.name, 'TypeError');
        assert.match(error.message, /cannot be loaded/);
        return true;
      });
    }
  });

  it('fails an invocation whose environment exits under it, and starts afresh after', async () => {
    const fn = sleeper();
    await assert.rejects(runtime.invoke(fn, { exit: true }), { name: 'Runtime.ExitError' });
    assert.deepEqual(await runtime.invoke(fn, {}), { invocations: 1 });
  });

  it('provisions environments ahead of use: the first invocation is warm', async () => {
    const fn = sleeper();
    await runtime.provision([fn], 2);
    await Promise.all([runtime.invoke(fn, {}), runtime.invoke(fn, {})]);
    assert.deepEqual(
      ofFunction(fn).map((r) => r.coldStart),
      [false, false],
    );
  });

  it('tags every line a function writes with the invocation it belongs to', async () => {
    const fn = sleeper();
    await Promise.all(
      ['a', 'b', 'c'].map((correlationId) => runtime.invoke(fn, { sleepMs: 50 }, { correlationId })),
    );
    const lines = logs.filter((l) => l.functionName === functionName(fn));
    assert.deepEqual(lines.map((l) => l.correlationId).sort(), ['a', 'b', 'c']);
    for (const line of lines) {
      const record = invocations.find((r) => r.awsRequestId === line.awsRequestId);
      assert.equal(record?.correlationId, line.correlationId, 'the line and its invocation agree');
    }
  });
});
