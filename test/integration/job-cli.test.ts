import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { scheduledJob } from '../../functions/manifest';
import { callTwin } from '../../local/control/client';
import { type ControlServer, startControlServer } from '../../local/control/server';
import { startScheduler } from '../../local/scheduler/scheduler';

/**
 * `npm run job` against a running twin's control socket. The twin here is its scheduler and
 * control server alone, invoking an in-process function: what the CLI and the socket do does
 * not depend on what the job's function is.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'orderly-job-'));
const socketPath = join(dir, 'twin.sock');

const scheduler = startScheduler({
  jobs: [
    scheduledJob(
      'countNeeds',
      'functions/jobs/count-needs.ts',
      {
        expression: 'cron(0 2 * * ? *)',
        timeZone: 'Europe/London',
        payload: { since: '<aws.scheduler.scheduled-time>', attempt: '<aws.scheduler.attempt-number>' },
      },
      {},
    ),
    scheduledJob('failing', 'functions/jobs/failing.ts', { expression: 'rate(1 day)' }, {}),
  ],
  invoke: async (job, event) => {
    if (job.name === 'failing') {
      const error = new Error('no such table');
      error.name = 'ResourceNotFoundException';
      throw error;
    }
    return { counted: 3, event };
  },
});
let control: ControlServer;

beforeAll(async () => {
  control = await startControlServer({ socketPath, scheduler });
});
afterAll(async () => {
  await control.close();
  await scheduler.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `npm run job -- …` as npm runs it (Node 22, the repository's TypeScript hooks), on a given socket. */
const job = (args: string[], socket = socketPath) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    // Asynchronous on purpose: the twin it talks to lives in this very process.
    execFile(
      process.execPath,
      ['--import', './local/ts-hooks.mjs', 'local/job.ts', ...args],
      { cwd: ROOT, env: { ...process.env, ORDERLY_CONTROL_SOCKET: socket } },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });

describe('npm run job', () => {
  it('runs the job on the twin now and prints its result as JSON, with the payload’s context attributes filled in', async () => {
    const run = await job(['countNeeds']);
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.counted, 3);
    assert.match(result.event.since, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(result.event.attempt, '1');
  });

  it('names the jobs when asked for one that does not exist, and exits 1', async () => {
    const run = await job(['countNeed']);
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /There is no scheduled job 'countNeed'\. Jobs: countNeeds, failing\./);
  });

  it('prints the error’s name and message when the job fails, and exits 1', async () => {
    const run = await job(['failing']);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /failing failed: ResourceNotFoundException: no such table/);
  });

  it('lists the twin’s jobs with their next fire times without a name, or with --help', async () => {
    for (const args of [[], ['--help']]) {
      const run = await job(args);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /Usage: npm run -s job -- <name>/);
      assert.match(run.stdout, /Jobs of the running twin:/);
      assert.match(
        run.stdout,
        /countNeeds {2}cron\(0 2 \* \* \? \*\) {2}Europe\/London {2}next \d{4}-\d\d-\d\dT0[12]:00:00Z/,
      );
      assert.match(run.stdout, /failing {2}rate\(1 day\) {2}UTC {2}next /);
    }
  });

  it('says that no twin is running, and how to start one, when nothing answers on the socket', async () => {
    const nowhere = join(dir, 'stopped', 'twin.sock');
    const run = await job(['countNeeds'], nowhere);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /No twin is running on \S*stopped\/ — start one with npm start\./);
    // The list still shows what the manifest schedules.
    const list = await job([], nowhere);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /No twin is running/);
    assert.match(list.stdout, /Jobs in the manifest:\n {2}reconcileOrders {2}rate\(5 minutes\) {2}UTC/);
  });

  it('refuses unknown options and more than one job, with the usage, exit 2', async () => {
    for (const args of [['--bogus'], ['countNeeds', 'failing']]) {
      const run = await job(args);
      assert.equal(run.status, 2, args.join(' '));
      assert.match(run.stderr, /Usage/);
    }
  });
});

describe('the twin’s control socket', () => {
  it('is a socket its owner alone may use', () => {
    assert.ok(lstatSync(socketPath).isSocket());
    assert.equal(statSync(socketPath).mode & 0o777, 0o600);
  });

  it('answers a path or method it does not serve with a problem', async () => {
    const unknown = await callTwin(socketPath, 'GET', '/nothing');
    assert.equal(unknown.status, 404);
    assert.match((unknown.body as { detail: string }).detail, /GET \/jobs and POST \/jobs\/<name>/);
    assert.equal((await callTwin(socketPath, 'GET', '/jobs/countNeeds')).status, 405);
    assert.equal((await callTwin(socketPath, 'POST', '/jobs')).status, 405);
  });

  it('takes over the socket file a killed twin left behind', async () => {
    const path = join(dir, 'killed.sock');
    // A process that listens on the socket and is killed outright, as a crashed twin would be.
    spawnSync(
      process.execPath,
      [
        '-e',
        "require('net').createServer().listen(process.env.SOCKET, () => process.kill(process.pid, 'SIGKILL'))",
      ],
      { env: { ...process.env, SOCKET: path } },
    );
    assert.ok(lstatSync(path).isSocket(), 'the dead process left its socket file');
    const server = await startControlServer({ socketPath: path, scheduler });
    try {
      const { status, body } = await callTwin(path, 'GET', '/jobs');
      assert.equal(status, 200);
      assert.deepEqual(
        (body as { jobs: { name: string }[] }).jobs.map((j) => j.name),
        ['countNeeds', 'failing'],
      );
      assert.equal(statSync(path).mode & 0o777, 0o600);
    } finally {
      await server.close();
    }
    assert.equal(existsSync(path), false, 'closing removes the socket file');
  });

  it('refuses to take a socket on which another twin answers, and leaves that twin serving', async () => {
    await assert.rejects(
      startControlServer({ socketPath, scheduler }),
      /Another twin is running: it answers on/,
    );
    assert.equal((await callTwin(socketPath, 'GET', '/jobs')).status, 200);
  });

  it('refuses a path that is in the way and is not a socket', async () => {
    const path = join(dir, 'package.json');
    copyFileSync(join(ROOT, 'package.json'), path);
    await assert.rejects(startControlServer({ socketPath: path, scheduler }), /is not a socket/);
    assert.ok(existsSync(path), 'the file is left as it was');
  });
});
