import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, onTestFinished } from 'vitest';
import { JAR_DIR, javaArgs } from '../../local/dynamodb-local';
import { pidFileOf } from '../../local/dynamodb-local-leftover';
import { freePort } from '../../local/free-port';
import { issueToken, loadOrCreateSigningKey } from '../../local/gateway/dev-tokens';
import { killTree, type NpmStart, npmStart } from '../support/npm-start';
import { commandLineOf, descendantsOf, isListening, isRunning } from '../support/processes';
import { apiClient } from '../support/twin';

/**
 * DynamoDB Local lives exactly as long as the twin that started it: a twin killed outright
 * (SIGKILL, which runs no handler) does not leave the Java process holding the port and the data
 * files, and a DynamoDB Local that was left anyway is stopped by the next `npm start` on the same
 * data directory before it starts its own. Either way the restart finds the data written before.
 */

/** The processes of one `npm start`: the twin's node, DynamoDB Local's java, and its watchdog. */
function processesOf(started: NpmStart) {
  const tree = descendantsOf(started.npm.pid as number).map((pid) => ({ pid, args: commandLineOf(pid) }));
  const node = tree.find((p) => p.args.includes('local/start.ts'))?.pid;
  const java = tree.find((p) => /^java .*DynamoDBLocal\.jar/.test(p.args))?.pid;
  const watchdog = tree.filter((p) => p.args.includes('dynamodb-local-watchdog.sh')).map((p) => p.pid);
  assert.ok(
    node && java && watchdog.length,
    `npm start runs node, java and a watchdog:\n${JSON.stringify(tree)}`,
  );
  return { node, java, watchdog };
}

/** Whatever happened, nothing of these starts outlives the test: their trees, and DynamoDB Locals orphaned on purpose. */
function cleanUpAfter(starts: NpmStart[], orphans: number[]): void {
  onTestFinished(() => {
    for (const started of starts) killTree(started.npm);
    for (const pid of orphans) {
      if (!/DynamoDBLocal|dynamodb-local-watchdog/.test(commandLineOf(pid))) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    const dataDir = starts[0]?.dataDir;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
}

async function until(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** An admin of a tenant of its own, with the token `npm run token` would print for this data directory. */
async function admin(started: NpmStart) {
  const key = await loadOrCreateSigningKey(join(started.dataDir, 'dev-signing-key.json'));
  const token = await issueToken(key, { tenantId: 'lifetime', userId: 'ann', roles: ['admin'] });
  return apiClient(`http://127.0.0.1:${started.port}`, token);
}

/** SIGTERM to npm, as Ctrl-C would: the restarted twin stops cleanly. */
async function stop(started: NpmStart): Promise<void> {
  started.npm.kill('SIGTERM');
  assert.equal(await started.exited, 0, started.output());
}

describe('DynamoDB Local does not outlive the twin that started it', () => {
  it('SIGKILL to the twin: java ends within seconds, the port is free, and a restart on the same data has it all', async () => {
    const first = await npmStart();
    const starts = [first];
    const { node, java, watchdog } = processesOf(first);
    cleanUpAfter(starts, [java, ...watchdog]);
    const created = await (await admin(first)).post('/v1/customers', {
      name: 'Written before the crash Ltd',
    });
    assert.equal(created.status, 201, created.text);

    process.kill(node, 'SIGKILL');
    const killed = performance.now();
    assert.ok(await until(() => !isRunning(java), 10_000), 'java still runs 10 s after its twin was killed');
    const javaEndedMs = performance.now() - killed;
    assert.equal(await isListening(first.dynamoDbPort), false, 'the DynamoDB Local port is free');
    assert.equal(await isListening(first.port), false, 'the API port is free');
    assert.ok(await until(() => !watchdog.some(isRunning), 5_000), 'the watchdog ends with java');
    assert.equal(
      existsSync(pidFileOf(join(first.dataDir, 'dynamodb'))),
      false,
      'the watchdog removed its pid file',
    );
    await first.exited;
    console.log(`DynamoDB Local ended ${javaEndedMs.toFixed(0)} ms after SIGKILL to its twin`);

    const second = await npmStart({ dataDir: first.dataDir, port: first.port });
    starts.push(second);
    assert.match(second.output(), /kept from the last run/);
    const read = await (await admin(second)).get(`/v1/customers/${created.body.id}`);
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.name, 'Written before the crash Ltd');
    await stop(second);
  });

  it('a DynamoDB Local left running on the data directory is stopped before the next start runs its own', async () => {
    const first = await npmStart();
    const starts = [first];
    const orphans: number[] = [];
    cleanUpAfter(starts, orphans);
    const created = await (await admin(first)).post('/v1/customers', {
      name: 'Written before the leftover Ltd',
    });
    assert.equal(created.status, 201, created.text);
    await stop(first);
    const dbPath = join(first.dataDir, 'dynamodb');
    const pidFile = pidFileOf(dbPath);
    assert.equal(existsSync(pidFile), false, 'a clean stop removes the pid file');

    // What a crash can leave: DynamoDB Local still serving the data directory, and a pid file
    // naming it with a twin that is gone. Started here, on its own, so nothing but the next
    // start can end it (an orphan of a killed twin may also die on its own, of a broken pipe).
    const port = await freePort();
    const leftover = spawn('java', javaArgs(port, dbPath), { cwd: JAR_DIR, detached: true, stdio: 'ignore' });
    leftover.unref();
    const java = leftover.pid as number;
    orphans.push(java);
    const goneTwin = spawnSync('true').pid;
    writeFileSync(pidFile, `${java} ${goneTwin}\n`);
    assert.ok(await until(() => isListening(port), 60_000), 'the leftover DynamoDB Local serves');

    const second = await npmStart({ dataDir: first.dataDir });
    starts.push(second);
    assert.equal(isRunning(java), false, 'the leftover was stopped');
    assert.equal(await isListening(port), false, 'its port is free');
    const own = processesOf(second);
    assert.equal(
      readFileSync(pidFile, 'utf8').trim(),
      `${own.java} ${own.node}`,
      'the pid file names the new java',
    );
    const read = await (await admin(second)).get(`/v1/customers/${created.body.id}`);
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.name, 'Written before the leftover Ltd');
    await stop(second);
    assert.equal(existsSync(pidFile), false, 'a clean stop removes the pid file');
  });
});
