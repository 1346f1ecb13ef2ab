import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, onTestFinished } from 'vitest';
import { freePort } from '../../local/free-port';
import { descendantsOf, isAlive, isListening } from '../support/processes';

/**
 * `npm start` as a newcomer runs it: the README's walk-through blocks pasted against it, and
 * SIGTERM or SIGINT sent to the npm process alone stopping everything it started.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Started {
  npm: ChildProcess;
  port: number;
  dynamoDbPort: number;
  dataDir: string;
  output: () => string;
}

async function npmStart(): Promise<Started> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'orderly-start-'));
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), ORDERLY_DATA_DIR: dataDir, QUIET: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  npm.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const deadline = Date.now() + 120_000;
  while (!/is ready in/.test(output)) {
    if (npm.exitCode !== null) throw new Error(`npm start exited ${npm.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not get ready:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const dynamoDbPort = Number(/DynamoDB Local at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
  return { npm, port, dynamoDbPort, dataDir, output: () => output };
}

/** Whatever happened, nothing of this npm start outlives the test (a failed test did not stop it). */
function cleanUp(started: Started): void {
  // Children first, found while npm still is their ancestor; a killed parent would orphan them.
  for (const pid of [...descendantsOf(started.npm.pid as number), started.npm.pid as number]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(started.dataDir, { recursive: true, force: true });
}

/** Signals the npm process only, then expects every process it started to end and every port to close. */
async function stopsCleanly(started: Started, signal: NodeJS.Signals): Promise<void> {
  const tree = descendantsOf(started.npm.pid as number);
  assert.ok(tree.length >= 2, `npm start runs node and DynamoDB Local (${tree.length} processes)`);
  const exited = new Promise<number | null>((resolve) => started.npm.once('exit', (code) => resolve(code)));
  started.npm.kill(signal);
  const code = await exited;
  const deadline = Date.now() + 30_000;
  while (tree.some(isAlive) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(tree.filter(isAlive), [], `no process npm start started survives ${signal}`);
  assert.equal(await isListening(started.port), false, 'the API port is free');
  assert.equal(await isListening(started.dynamoDbPort), false, 'the DynamoDB Local port is free');
  assert.equal(code, 0, started.output());
}

/** The shell blocks of the README marked as its walk-through, in order. */
function walkThrough(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/<!-- walk-through -->\n```sh\n([\s\S]*?)```/g)].map(
    (m) => m[1] as string,
  );
  assert.ok(blocks.length >= 2, 'the README marks its walk-through blocks');
  return blocks;
}

describe('npm start, as a newcomer runs it', () => {
  it('runs the README walk-through pasted block by block, the order ending CLOSED; SIGTERM then leaves nothing behind', async () => {
    const started = await npmStart();
    onTestFinished(() => cleanUp(started));
    const url = `http://localhost:${started.port}`;
    const outputs: string[] = [];
    for (const block of walkThrough()) {
      // Pasted into bash as it is, with the twin's port in place of 3000; the helpers find it too.
      const run = spawnSync(
        'bash',
        ['-e', '-o', 'pipefail', '-c', block.replaceAll('http://localhost:3000', url)],
        {
          cwd: ROOT,
          env: { ...process.env, ORDERLY_DATA_DIR: started.dataDir, ORDERLY_URL: url },
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      assert.equal(run.status, 0, `a walk-through block failed:\n${run.stdout}\n${run.stderr}`);
      outputs.push(run.stdout);
    }
    const [customers, order] = outputs as [string, string];
    assert.match(customers, /^customer [0-9A-Z]{26}$/m);
    assert.match(customers, /"phone":"\+44 20 7946 0958"/, 'the update with the ETag went through');
    assert.doesNotMatch(customers + order, /"status":(4|5)\d\d/, 'no request was refused');
    assert.match(order, /^order [0-9A-Z]{26}$/m);
    assert.match(order, /^CLOSED$/m, 'npm run wait saw the order CLOSED');
    assert.match(
      order,
      /"status":"CLOSED".*"evaluation":/,
      'the order, read at the end, is CLOSED with its evaluation',
    );
    assert.match(order, /"type":"DELIVERED"/, 'the timeline holds every step');
    await stopsCleanly(started, 'SIGTERM');
  });

  it('SIGINT to the npm process alone stops the API, the workflows and DynamoDB Local', async () => {
    const started = await npmStart();
    onTestFinished(() => cleanUp(started));
    await stopsCleanly(started, 'SIGINT');
  });
});
