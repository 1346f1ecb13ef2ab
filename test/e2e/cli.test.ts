import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import { ROLES } from '../../functions/shared/auth/roles';
import { freePort } from '../../local/free-port';
import { createVerifier, loadOrCreateSigningKey } from '../../local/gateway/dev-tokens';

/** The command-line helpers a newcomer meets in the README, run as `npm run -s …` runs them. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'orderly-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const npmRun = (script: string, ...args: string[]) =>
  spawnSync('npm', ['run', '-s', script, '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, ORDERLY_DATA_DIR: dataDir },
    encoding: 'utf8',
  });

describe('npm run token, npm run wait and npm start’s own checks', () => {
  it('token --help prints the usage with every option, and exits 0', () => {
    const run = npmRun('token', '--help');
    assert.equal(run.status, 0, run.stderr);
    for (const option of ['--role', '--tenant', '--user', '--expires-in', '--help'])
      assert.match(run.stdout, new RegExp(option));
    for (const role of ROLES) assert.match(run.stdout, new RegExp(role));
  });

  it('token with no arguments, or an unknown option, prints the usage instead of a token and exits 2', () => {
    for (const args of [[], ['--bogus'], ['--role', 'admin', '--expires-in', '99999999']]) {
      const run = npmRun('token', ...args);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stdout}`);
      assert.equal(run.stdout, '', 'no token on stdout');
      assert.match(run.stderr, /Usage|--expires-in/);
    }
  });

  it('token --role issues a token the twin’s key verifies, with the tenant, user and roles asked for', async () => {
    const run = npmRun('token', '--role', 'sales,approver', '--tenant', 'acme', '--user', 'ann');
    assert.equal(run.status, 0, run.stderr);
    const verify = await createVerifier(await loadOrCreateSigningKey(join(dataDir, 'dev-signing-key.json')));
    const claims = await verify(run.stdout.trim());
    assert.equal(claims.sub, 'ann');
    assert.equal(claims['custom:tenant_id'], 'acme');
    assert.deepEqual(claims['cognito:groups'], ['sales', 'approver']);
  });

  it('wait says so when nothing answers at the URL', async () => {
    const port = await freePort();
    const run = npmRun(
      'wait',
      '01J0000000000000000000000',
      'CLOSED',
      '--url',
      `http://127.0.0.1:${port}`,
      '--timeout',
      '5',
    );
    assert.equal(run.status, 1);
    assert.match(run.stderr, /Cannot reach .*\(is npm start running\?\)/);
  });

  it('npm start refuses a port that is taken, or is not a port, before starting anything', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const taken = spawnSync('npm', ['start'], {
        cwd: ROOT,
        env: { ...process.env, PORT: String(port), ORDERLY_DATA_DIR: dataDir },
        encoding: 'utf8',
      });
      assert.equal(taken.status, 1);
      assert.match(taken.stderr, new RegExp(`Port ${port} is already in use`));
    } finally {
      server.close();
    }
    const nonsense = spawnSync('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, PORT: 'eighty', ORDERLY_DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    assert.equal(nonsense.status, 1);
    assert.match(nonsense.stderr, /PORT must be a port number/);
  });

  it('wait --help prints its usage; wait without its arguments exits 1 with it', () => {
    const help = npmRun('wait', '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /<orderId> <STATUS>/);
    const missing = npmRun('wait');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /Usage/);
  });
});
