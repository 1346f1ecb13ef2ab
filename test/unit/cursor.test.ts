import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it, vi } from 'vitest';
import { decodeCursor, encodeCursor } from '../../functions/shared/db/cursor';
import { CURSOR_KEY_ENV, CURSOR_KEY_SECRET_ENV } from '../../functions/shared/db/cursor-key';
import { ValidationError } from '../../functions/shared/http/errors';
import { loadOrCreateCursorKey } from '../../local/cursor-key';

const partition = { attribute: 'collectionPk', value: 'T#acme#CUSTOMERS' };
const attributes = ['pk', 'sk', 'collectionPk', 'collectionSk'];
const key = { pk: 'T#acme#CUSTOMER#1', sk: 'CUSTOMER', collectionPk: 'T#acme#CUSTOMERS', collectionSk: '1' };

const decode = (cursor: string | undefined, list = 'CUSTOMERS', where = partition) =>
  decodeCursor(cursor, list, where, attributes);

/** A cursor as an attacker who knows the format builds it: `payload.tag`, signed with `secret`. */
function forge(body: unknown, secret = process.env[CURSOR_KEY_ENV] as string): string {
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

async function refused(cursor: string, list = 'CUSTOMERS', where = partition) {
  await assert.rejects(decode(cursor, list, where), (error: unknown) => {
    assert.ok(error instanceof ValidationError);
    assert.deepEqual(error.extensions.errors, [
      { field: 'query.cursor', message: 'is not a cursor of this list' },
    ]);
    return true;
  });
}

describe('pagination cursors', () => {
  it('round-trip within the list and tenant they came from', async () => {
    assert.deepEqual(await decode(await encodeCursor('CUSTOMERS', key)), key);
    assert.equal(await encodeCursor('CUSTOMERS', undefined), undefined);
    assert.equal(await decode(undefined), undefined);
  });

  it('carry a 43-character HMAC-SHA256 of their payload', async () => {
    const cursor = (await encodeCursor('CUSTOMERS', key)) as string;
    const [payload, tag] = cursor.split('.');
    assert.deepEqual(JSON.parse(Buffer.from(payload as string, 'base64url').toString()), {
      l: 'CUSTOMERS',
      k: key,
    });
    assert.equal(cursor, forge({ l: 'CUSTOMERS', k: key }));
    assert.equal(tag?.length, 43);
  });

  it('are refused for another tenant, another list, or garbage', async () => {
    const cursor = (await encodeCursor('CUSTOMERS', key)) as string;
    await refused(cursor, 'CUSTOMERS', { ...partition, value: 'T#other#CUSTOMERS' });
    await refused(cursor, 'PRODUCTS');
    await refused('%%%');
    await refused(Buffer.from('[1,2]').toString('base64url'));
    await refused(forge([1, 2]));
    await refused(forge('CUSTOMERS'));
    await refused(forge({ l: 'CUSTOMERS', k: [key.pk] }));
    await refused(forge({ l: 'CUSTOMERS', k: { ...key, sk: { S: 'x' } } }));
    await refused(forge({ l: 'CUSTOMERS', k: { ...key, collectionSk: 'x'.repeat(1025) } }));
  });

  it('are refused unsigned, altered, truncated or signed with another key', async () => {
    const cursor = (await encodeCursor('CUSTOMERS', key)) as string;
    const [payload, tag] = cursor.split('.') as [string, string];
    // The format before cursors were signed, and a decodable key with no tag at all.
    await refused(payload);
    await refused(`${payload}.`);
    const flip = (text: string, at: number) =>
      text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    await refused(`${payload}.${flip(tag, 0)}`);
    await refused(`${payload}.${flip(tag, 42)}`);
    await refused(`${flip(payload, 5)}.${tag}`);
    await refused(cursor.slice(0, -1));
    await refused(cursor.slice(1));
    await refused(`${cursor}A`);
    await refused(`${payload}.${tag}.${tag}`);
    await refused(forge({ l: 'CUSTOMERS', k: key }, 'another-key-0123456789abcdefghijklmnop'));
  });

  it('hold exactly the list’s key attributes, non-empty: behind the MAC, a signed odd key is refused too', async () => {
    await refused(forge({ l: 'CUSTOMERS', k: { collectionPk: key.collectionPk } }));
    await refused(forge({ l: 'CUSTOMERS', k: { ...key, sk: '' } }));
    await refused(forge({ l: 'CUSTOMERS', k: { ...key, extra: 'x' } }));
    const { collectionSk: _dropped, ...missing } = key;
    await refused(forge({ l: 'CUSTOMERS', k: missing }));
    assert.deepEqual(await decode(forge({ l: 'CUSTOMERS', k: key })), key);
  });
});

describe('the cursor key', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env[CURSOR_KEY_ENV] = saved[CURSOR_KEY_ENV];
    delete process.env[CURSOR_KEY_SECRET_ENV];
    delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    vi.resetModules();
  });

  /** A fresh copy of the module: its cache is per execution environment. */
  const freshKeyModule = async () => {
    vi.resetModules();
    return import('../../functions/shared/db/cursor-key');
  };

  /** The key module, fresh, told to read its key from the secret served by `server` (a local Secrets Manager). */
  const keyFromSecretsManagerAt = async (server: Server) => {
    delete process.env[CURSOR_KEY_ENV];
    process.env[CURSOR_KEY_SECRET_ENV] = 'arn:aws:secretsmanager:eu-west-1:1:secret:cursor-AbCdEf';
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return freshKeyModule();
  };

  it('comes from ORDERLY_CURSOR_KEY when set, and refuses a short one', async () => {
    const { cursorKey } = await freshKeyModule();
    assert.deepEqual(await cursorKey(), Buffer.from(saved[CURSOR_KEY_ENV] as string));
    process.env[CURSOR_KEY_ENV] = 'short';
    await assert.rejects(cursorKey(), /shorter than 32 characters/);
    // 31 characters are too few; 32, the least, are enough.
    process.env[CURSOR_KEY_ENV] = 'k'.repeat(31);
    await assert.rejects(cursorKey(), /shorter than 32 characters/);
    process.env[CURSOR_KEY_ENV] = 'k'.repeat(32);
    assert.deepEqual(await cursorKey(), Buffer.from('k'.repeat(32)));
    delete process.env[CURSOR_KEY_ENV];
    await assert.rejects(cursorKey(), /No cursor key/);
  });

  it('is read from the Secrets Manager secret once per environment, and a failed read is tried again', async () => {
    const secret = 'S3cr3tK3y'.repeat(8);
    const calls: { target: string | undefined; body: string }[] = [];
    let failNext = true;
    const server = createServer(async (req: IncomingMessage, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      calls.push({ target: req.headers['x-amz-target'] as string | undefined, body });
      if (failNext) {
        failNext = false;
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'not yet' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({
          ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:cursor-AbCdEf',
          SecretString: secret,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { cursorKey } = await keyFromSecretsManagerAt(server);
      await assert.rejects(cursorKey(), /not yet/);
      assert.deepEqual(await cursorKey(), Buffer.from(secret));
      assert.deepEqual(await cursorKey(), Buffer.from(secret));
      assert.equal(calls.length, 2, 'read once after the failed attempt, then cached');
      assert.equal(calls[1]?.target, 'secretsmanager.GetSecretValue');
      assert.deepEqual(JSON.parse(calls[1]?.body ?? '{}'), { SecretId: process.env[CURSOR_KEY_SECRET_ENV] });
    } finally {
      server.close();
    }
  });

  it('hangs up on Secrets Manager once the key is read: an environment keeps no idle connection', async () => {
    const secret = 'K3yF0rCurs0rs'.repeat(4);
    const sockets: Promise<boolean>[] = [];
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({
          ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:cursor-AbCdEf',
          SecretString: secret,
        }),
      );
    });
    // The server never times a kept-alive connection out: only the client can close it.
    server.keepAliveTimeout = 0;
    server.on('connection', (socket) => {
      let ended = false;
      socket.on('end', () => {
        ended = true;
      });
      sockets.push(new Promise((resolve) => socket.on('close', () => resolve(ended))));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { cursorKey } = await keyFromSecretsManagerAt(server);
      assert.deepEqual(await cursorKey(), Buffer.from(secret));
      assert.equal(sockets.length, 1);
      // Each connection closes, from the client's side (its end reached the server first). A client
      // that kept its idle connection would leave this waiting until the test times out (Stryker
      // counts that mutant detected as a timeout).
      assert.deepEqual(await Promise.all(sockets), [true]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('is kept by the twin under its data directory, mode 0600, made once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderly-cursor-key-'));
    try {
      const file = join(dir, 'nested', 'cursor-key');
      const first = loadOrCreateCursorKey(file);
      assert.equal(Buffer.from(first, 'base64url').length, 32);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(loadOrCreateCursorKey(file), first);
      assert.equal(readFileSync(file, 'utf8'), first);
      assert.notEqual(loadOrCreateCursorKey(join(dir, 'other')), first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
