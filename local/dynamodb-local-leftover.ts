import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from './process-state';

/**
 * A DynamoDB Local that an earlier twin left running on a data directory. The watchdog
 * (dynamodb-local-watchdog.sh) ends DynamoDB Local with its twin, but not if it was killed
 * together with the twin (a SIGKILL to the whole process group) or the twin was older than it;
 * such a leftover keeps the data files open, and a second DynamoDB Local on them would corrupt
 * them. The watchdog writes "<java pid> <twin pid>" to this file in the data directory.
 */
export const pidFileOf = (dbPath: string) => join(dbPath, 'dynamodb-local.pid');

const GRACE_MS = 5_000;

/**
 * Stops the DynamoDB Local named in the data directory's pid file, if it still runs on that
 * directory and its twin is gone (SIGTERM, SIGKILL after a grace period), and removes the file.
 * A DynamoDB Local whose twin still runs is another twin's: that is an error, not a leftover.
 */
export async function stopLeftoverDynamoDb(dbPath: string): Promise<void> {
  const file = pidFileOf(dbPath);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const [java, twin] = text.trim().split(/\s+/).map(Number);
  if (java && isDynamoDbLocalOn(java, dbPath)) {
    if (twin && twin !== process.pid && isRunning(twin))
      throw new Error(
        `Another twin (process ${twin}) is using ${dbPath}: stop it first, or give this one another ORDERLY_DATA_DIR.`,
      );
    await end(java, dbPath);
  } else if (java && isShuttingDownJava(java)) {
    // Its command line is gone with its first thread, so it cannot be told from another java:
    // not signalled, only waited for, so that it has closed the files before they are reopened.
    await gone(java, GRACE_MS);
  }
  rmSync(file, { force: true });
}

/** Waited on by its threads, not its command line: a JVM's first thread ends before its last. */
async function gone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

async function end(pid: number, dbPath: string): Promise<void> {
  signal(pid, 'SIGTERM');
  if (await gone(pid, GRACE_MS)) return;
  signal(pid, 'SIGKILL');
  if (!(await gone(pid, GRACE_MS)))
    throw new Error(`DynamoDB Local (process ${pid}) left by an earlier run on ${dbPath} does not stop.`);
}

/**
 * True when the process is DynamoDB Local serving `dbPath`: the pid in a stale file may have
 * been reused by anything else, which must not be killed. A zombie has no command line: gone.
 */
export function isDynamoDbLocalOn(pid: number, dbPath: string): boolean {
  if (existsSync('/proc/self/cmdline')) {
    let args: string[];
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      return false;
    }
    const at = args.indexOf('-dbPath');
    return args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && at >= 0 && args[at + 1] === dbPath;
  }
  // No /proc (macOS): `ps` gives the arguments joined by spaces.
  try {
    const line = execFileSync('ps', ['-ww', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    return line.includes('DynamoDBLocal.jar') && `${line.trim()} `.includes(` -dbPath ${dbPath} `);
  } catch {
    return false;
  }
}

/** A java whose first thread has ended while others run: a JVM on its way out (Linux only). */
function isShuttingDownJava(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'java' && isRunning(pid);
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Ended meanwhile.
  }
}
