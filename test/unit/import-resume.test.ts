import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { MAX_BATCH_ITEMS as API_MAX_BATCH_ITEMS } from '../../functions/shared/http/batch';
import { issueToken, newSigningKey } from '../../local/gateway/dev-tokens';
import { ImportStopped, sendBatch } from '../../local/import/api';
import { Batcher, batchKey, batchKeyPrefix } from '../../local/import/batches';
import type { PendingItem } from '../../local/import/items';
import { duration, Progress } from '../../local/import/progress';
import { RejectionReport } from '../../local/import/report';
import { ResumeState, type StateIdentity } from '../../local/import/resume-state';
import { apiRejection, MAX_BATCH_ITEMS } from '../../local/import/run-import';
import { checkReachable, resolveTarget, TargetError } from '../../local/import/target';

const dir = mkdtempSync(join(tmpdir(), 'orderly-import-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const identity: StateIdentity = {
  kind: 'orders',
  fileSha256: 'a'.repeat(64),
  mappingSha256: 'b'.repeat(64),
  encoding: 'utf8',
  url: 'http://localhost:3000',
  tenant: 'demo',
};
const item = (index: number, body: Record<string, unknown> = { n: index }): PendingItem => ({
  index,
  key: String(index),
  firstRow: index + 2,
  rows: 1,
  body,
});

describe('resume state', () => {
  it('remembers the items that are in, as ranges, across runs of the same import', () => {
    const first = ResumeState.open(dir, identity, '/x/online retail.csv');
    assert.equal(first.runs, 1);
    first.add([0, 1, 2, 5, 7, 6]);
    first.add([3, 3, 1]);
    first.save();
    assert.deepEqual(JSON.parse(readFileSync(first.path, 'utf8')).done, [
      [0, 3],
      [5, 7],
    ]);
    assert.match(first.path, /orders-online_retail\.csv-[0-9a-f]{16}\.json$/);

    const again = ResumeState.open(dir, identity, '/x/online retail.csv');
    assert.equal(again.runs, 2);
    assert.equal(again.doneCount, 7);
    assert.deepEqual(
      [0, 3, 4, 5, 7, 8].map((i) => again.has(i)),
      [true, true, false, true, true, false],
    );
  });

  it('another file, mapping, encoding, API or tenant is another import, starting from nothing', () => {
    const base = ResumeState.open(dir, { ...identity, kind: 'products' }, 'p.csv');
    base.add([0]);
    base.save();
    for (const change of [
      { fileSha256: 'c'.repeat(64) },
      { mappingSha256: 'd'.repeat(64) },
      { encoding: 'cp437' },
      { url: 'https://api.example' },
      { tenant: 'acme' },
    ]) {
      const other = ResumeState.open(dir, { ...identity, kind: 'products', ...change }, 'p.csv');
      assert.notEqual(other.path, base.path);
      assert.equal(other.has(0), false, JSON.stringify(change));
    }
  });

  it('a damaged state file is taken as none: the API’s natural keys make re-sent items existing', () => {
    const state = ResumeState.open(dir, { ...identity, kind: 'needs' }, 'n.csv');
    writeFileSync(state.path, '{"version":1,"done":[[0,');
    const reopened = ResumeState.open(dir, { ...identity, kind: 'needs' }, 'n.csv');
    assert.equal(reopened.doneCount, 0);
    assert.equal(reopened.runs, 1);
  });
});

describe('batches', () => {
  it('cut at the item limit or the byte limit, whichever comes first', () => {
    const batcher = new Batcher('p', 3, 100);
    const sizes: number[] = [];
    for (let i = 0; i < 7; i++) for (const batch of batcher.add(item(i))) sizes.push(batch.items.length);
    sizes.push(batcher.flush()?.items.length ?? 0);
    assert.deepEqual(sizes, [3, 3, 1]);
    const small = new Batcher('p', 100, 70); // each item is 32 bytes of JSON
    const cut: number[][] = [];
    for (let i = 0; i < 4; i++)
      for (const batch of small.add(item(i, { text: 'x'.repeat(20) })))
        cut.push(batch.items.map((it) => it.index));
    assert.deepEqual(cut, [[0, 1]]);
    assert.equal(new Batcher('p', 2).flush(), undefined);
    assert.equal(MAX_BATCH_ITEMS, API_MAX_BATCH_ITEMS, 'the CLI’s limit is the API’s');
  });

  it('after a time-out the next batches are half as big (at least 5), growing back as batches go through', () => {
    const batcher = new Batcher('p', 100);
    assert.deepEqual([batcher.slower(), batcher.slower(), batcher.slower()], [50, 25, 12]);
    for (let i = 0; i < 3; i++) batcher.slower();
    assert.equal(batcher.maxItems, 5);
    batcher.faster();
    assert.equal(batcher.maxItems, 10, 'additive: a twentieth of the limit at a time');
    for (let i = 0; i < 40; i++) batcher.faster();
    assert.equal(batcher.maxItems, 100, 'never past the limit');
    const cut: number[] = [];
    batcher.slower();
    for (let i = 0; i < 60; i++) for (const batch of batcher.add(item(i))) cut.push(batch.items.length);
    assert.deepEqual(cut, [50]);
  });

  it('an Idempotency-Key names the file, the mapping and exactly the items: the same batch, the same key', () => {
    const prefix = batchKeyPrefix('orders', 'f'.repeat(64), 'm'.repeat(64));
    const key = batchKey(prefix, [item(0), item(1), item(2)]);
    assert.equal(key, batchKey(prefix, [item(0), item(1), item(2)]));
    assert.notEqual(key, batchKey(prefix, [item(0), item(2)]), 'other items, even with the same ends');
    assert.notEqual(
      key,
      batchKey(batchKeyPrefix('orders', 'e'.repeat(64), 'm'.repeat(64)), [item(0), item(1), item(2)]),
    );
    assert.match(key, /^import:orders:f{24}:m{12}:0-2:[0-9a-f]{12}$/);
    assert.ok(key.length <= 255 && /^[\x21-\x7e]+$/.test(key), 'visible ASCII, as the API wants');
  });
});

describe('sending a batch', () => {
  // A stand-in for the API's transport failures (503, 429, a dropped connection), which the twin
  // cannot be made to produce on demand; the e2e test sends real batches to the real twin.
  async function server(
    answers: ((req: IncomingMessage, body: string) => [number, string, Record<string, string>?] | 'drop')[],
  ) {
    const seen: { key: string | undefined; body: string }[] = [];
    const http = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      seen.push({ key: req.headers['idempotency-key'] as string | undefined, body });
      const answer = (answers[seen.length - 1] ?? answers.at(-1))?.(req, body) ?? [500, ''];
      if (answer === 'drop') return req.socket.destroy();
      const [status, text, headers] = answer;
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    return { url, seen, close: () => new Promise((resolve) => http.close(resolve)) };
  }
  const ok = (count: number) => () =>
    [
      200,
      JSON.stringify({
        results: Array.from({ length: count }, (_, index) => ({
          index,
          outcome: 'created',
          status: 201,
          id: 'x',
        })),
      }),
    ] as [number, string];

  it('retries what is worth retrying, with the same Idempotency-Key and body, after the wait asked for', async () => {
    const api = await server([
      () => 'drop',
      () => [503, '{"message":"Service Unavailable"}'],
      () => [429, '{}', { 'retry-after': '7' }],
      ok(2),
    ]);
    const waits: number[] = [];
    const retries: string[] = [];
    try {
      const results = await sendBatch({
        url: api.url,
        path: '/v1/things/batch',
        token: 't',
        idempotencyKey: 'import:k',
        items: [{ a: 1 }, { a: 2 }],
        sleep: async (ms) => {
          waits.push(ms);
        },
        onRetry: (attempt, why) => retries.push(`${attempt} ${why}`),
      });
      assert.equal(results.length, 2);
      assert.deepEqual(waits, [1000, 2000, 7000]);
      assert.match(retries[0] ?? '', /^1 no answer/);
      assert.equal(retries[1], '2 503 Service Unavailable');
      assert.deepEqual(new Set(api.seen.map((s) => s.key)), new Set(['import:k']));
      assert.deepEqual(new Set(api.seen.map((s) => s.body)), new Set(['{"items":[{"a":1},{"a":2}]}']));
    } finally {
      await api.close();
    }
  });

  it('stops, saying why, on what a retry cannot fix, and after the last attempt', async () => {
    const cases: [number, RegExp][] = [
      [401, /refused the token.*run the same command again to resume/],
      [403, /may not call \/v1\/things\/batch/],
      [404, /has no \/v1\/things\/batch/],
      [413, /smaller --batch/],
      [400, /answered 400: bad body/],
    ];
    for (const [status, message] of cases) {
      const api = await server([() => [status, JSON.stringify({ detail: 'bad body' })]]);
      try {
        await assert.rejects(
          sendBatch({
            url: api.url,
            path: '/v1/things/batch',
            token: 't',
            idempotencyKey: 'k',
            items: [{}],
            sleep: async () => {},
          }),
          (error: unknown) => error instanceof ImportStopped && message.test(error.message),
        );
        assert.equal(api.seen.length, 1, `${status} is not retried`);
      } finally {
        await api.close();
      }
    }
    const down = await server([() => [502, 'Bad Gateway']]);
    try {
      await assert.rejects(
        sendBatch({
          url: down.url,
          path: '/p',
          token: 't',
          idempotencyKey: 'k',
          items: [{}],
          attempts: 3,
          sleep: async () => {},
        }),
        /did not answer after 3 attempts \(last: 502 Bad Gateway\)/,
      );
      assert.equal(down.seen.length, 3);
    } finally {
      await down.close();
    }
    const odd = await server([() => [200, '{"results":[]}']]);
    try {
      await assert.rejects(
        sendBatch({
          url: odd.url,
          path: '/p',
          token: 't',
          idempotencyKey: 'k',
          items: [{}],
          sleep: async () => {},
        }),
        /without one result per item/,
      );
    } finally {
      await odd.close();
    }
  });

  it('an item the API refuses is reported on its row: the line’s row when the problem names a line', () => {
    const order: PendingItem = {
      index: 4,
      key: '536365',
      firstRow: 10,
      rows: 3,
      lineRows: [10, 12, 13],
      body: {},
    };
    const entry = apiRejection(order, {
      index: 4,
      outcome: 'rejected',
      status: 422,
      problem: {
        type: 'urn:orderly:problem:unknown-product',
        detail: 'A line names no product of the catalogue',
        errors: [{ field: 'body.items.4.lines.1.sku', message: "no product 'POST'" }],
      },
    });
    assert.deepEqual(entry, {
      row: 12,
      rows: 3,
      key: '536365',
      reason: 'unknown-product',
      source: 'api',
      detail: "A line names no product of the catalogue; lines.1.sku (row 12): no product 'POST'",
    });
    assert.equal(apiRejection(order, { index: 0, outcome: 'rejected', status: 409 }).reason, 'http-409');
  });
});

describe('report, progress and target', () => {
  it('the report is a CSV line per entry, written as it goes, and counts by reason', () => {
    const path = join(dir, 'sub', 'r.csv');
    const report = new RejectionReport(path);
    report.add({
      row: 2,
      reason: 'credit-note',
      source: 'skip-rule',
      detail: "InvoiceNo 'C1' starts with 'C'",
    });
    report.add({ row: 3, reason: 'credit-note', source: 'skip-rule', detail: 'x' });
    report.add({
      row: 9,
      rows: 4,
      key: '=HYPERLINK("x")',
      reason: 'validation-error',
      source: 'api',
      detail: 'a, "b"',
    });
    report.close();
    assert.equal(
      readFileSync(path, 'utf8'),
      [
        'row,rows,key,reason,source,detail',
        "2,1,,credit-note,skip-rule,InvoiceNo 'C1' starts with 'C'",
        '3,1,,credit-note,skip-rule,x',
        `9,4,"'=HYPERLINK(""x"")",validation-error,api,"a, ""b"""`,
        '',
      ].join('\r\n'),
    );
    assert.deepEqual(report.byReason(), [
      { reason: 'validation-error', source: 'api', entries: 1, rows: 4 },
      { reason: 'credit-note', source: 'skip-rule', entries: 2, rows: 2 },
    ]);
  });

  it('progress: a bar redrawn in place on a terminal, plain lines now and then elsewhere; rate and ETA from a clock', () => {
    let now = 0;
    const tty: string[] = [];
    const bar = new Progress({
      label: 'orders',
      total: 1000,
      tty: true,
      write: (t) => tty.push(t),
      now: () => now,
      width: 10,
    });
    bar.update(0, { created: 0, existing: 0, rejected: 0 });
    now = 50;
    bar.update(100, { created: 1, existing: 0, rejected: 0 }); // within 100 ms: not drawn
    now = 2000;
    bar.update(500, { created: 20, existing: 3, rejected: 1 });
    assert.equal(tty.length, 2);
    assert.equal(
      tty[1],
      '\r\x1b[2Korders ▕█████░░░░░▏ 50% · 500/1,000 rows · 250 rows/s · ETA 0:02 · created 20 existing 3 rejected 1',
    );
    bar.finish();
    assert.equal(tty.at(-1), '\n');

    const plain: string[] = [];
    const log = new Progress({
      label: 'customers',
      total: 10,
      tty: false,
      write: (t) => plain.push(t),
      now: () => now,
      plainEveryMs: 10_000,
    });
    now = 0;
    log.update(1, { created: 1, existing: 0, rejected: 0 });
    now = 5_000;
    log.update(5, { created: 5, existing: 0, rejected: 0 });
    now = 10_000;
    log.update(10, { created: 10, existing: 0, rejected: 0 });
    assert.deepEqual(plain, [
      'customers: 10% · 1/10 rows · 0 rows/s · ETA --:-- · created 1 existing 0 rejected 0\n',
      'customers: 100% · 10/10 rows · 1 rows/s · ETA 0:00 · created 10 existing 0 rejected 0\n',
    ]);
    assert.equal(duration(3725), '1:02:05');
  });

  it('the target: the flags, else the environment, else the twin with a development token from its key', async () => {
    const env = { PORT: '3456' };
    await assert.rejects(
      resolveTarget({ env, signingKeyFile: join(dir, 'none.json') }),
      /No twin has run on this data directory/,
    );
    const keyFile = join(dir, 'key.json');
    const key = await newSigningKey();
    writeFileSync(keyFile, JSON.stringify(key), { mode: 0o600 });
    const twin = await resolveTarget({ env, tenant: 'acme', signingKeyFile: keyFile });
    assert.equal(twin.url, 'http://localhost:3456');
    assert.equal(twin.tenant, 'acme');
    assert.equal(twin.user, 'importer');
    const token = await issueToken(key, {
      tenantId: 'zeta',
      userId: 'ann',
      roles: ['integration'],
      expiresInSeconds: 60,
    });
    const given = await resolveTarget({ url: 'https://api.example/', token, env });
    assert.deepEqual(
      { ...given, token: undefined },
      { url: 'https://api.example', token: undefined, tenant: 'zeta', user: 'ann' },
    );
    const fromEnv = await resolveTarget({ env: { ORDERLY_URL: 'http://twin:1', ORDERLY_TOKEN: 'opaque' } });
    assert.deepEqual(fromEnv, { url: 'http://twin:1', token: 'opaque', tenant: 'unknown', user: 'unknown' });
  });

  it('the reachability check: any answer, however late or unhappy, means a twin is there; only a refused connection stops the import', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = createServer(async (req, res) => {
      if (req.url === '/health') await held;
      res.writeHead(req.url === '/health' ? 200 : 503).end();
    });
    server.listen(0);
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      let settled = false;
      const probe = checkReachable(url).finally(() => {
        settled = true;
      });
      // The answer is held back: the probe keeps waiting on the server, not on a clock of its own.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(settled, false);
      release();
      await probe;
      await checkReachable(`${url}/unhealthy`); // a 503 is an answer too
    } finally {
      server.close();
      await once(server, 'close');
    }
    // A port nobody listens on any more (a fresh one: the client may still pool sockets to the other).
    const gone = createServer().listen(0);
    await once(gone, 'listening');
    const goneUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
    gone.close();
    await once(gone, 'close');
    await assert.rejects(checkReachable(goneUrl), (error: Error) => {
      assert.ok(error instanceof TargetError);
      assert.match(
        error.message,
        /^Cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): is npm start running\?/,
      );
      return true;
    });
  });
});
