import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, onTestFinished } from 'vitest';
import { killTree, type NpmStart, npmStart } from '../support/npm-start';
import { descendantsOf, isAlive, isListening } from '../support/processes';

/**
 * `npm start` as a newcomer runs it: the README's walk-through blocks pasted against it, and
 * SIGTERM or SIGINT sent to the npm process alone stopping everything it started.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Whatever happened, nothing of this npm start outlives the test (a failed test did not stop it). */
function cleanUp(started: NpmStart): void {
  killTree(started.npm);
  rmSync(started.dataDir, { recursive: true, force: true });
}

/** Signals the npm process only, then expects every process it started to end and every port to close. */
async function stopsCleanly(started: NpmStart, signal: NodeJS.Signals): Promise<void> {
  const tree = descendantsOf(started.npm.pid as number);
  assert.ok(tree.length >= 2, `npm start runs node and DynamoDB Local (${tree.length} processes)`);
  started.npm.kill(signal);
  const code = await started.exited;
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

// Each test starts a whole `npm start` (DynamoDB Local, the twin, cold functions) and the
// walk-through drives an order to CLOSED: on a machine busy with the rest of the suite that
// can take minutes. A limit on hanging, not a measure of speed.
const WHOLE_PROCESS_MS = 300_000;

describe('npm start, as a newcomer runs it', () => {
  it(
    'runs the README walk-through pasted block by block, the order ending CLOSED; SIGTERM then leaves nothing behind',
    async () => {
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
    },
    WHOLE_PROCESS_MS,
  );

  it(
    'SIGINT to the npm process alone stops the API, the workflows and DynamoDB Local',
    async () => {
      const started = await npmStart();
      onTestFinished(() => cleanUp(started));
      await stopsCleanly(started, 'SIGINT');
    },
    WHOLE_PROCESS_MS,
  );
});
