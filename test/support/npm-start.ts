import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { freePort } from '../../local/free-port';
import { commandLineOf, descendantsOf } from './processes';
import { type ApiClient, apiClient } from './twin';

/**
 * `npm start` as a developer runs it, on its own port and data directory (a fresh temporary one
 * unless given: a restart passes the last one's), quiet, waited on until it says it is ready.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface NpmStart {
  npm: ChildProcess;
  port: number;
  dynamoDbPort: number;
  dataDir: string;
  output: () => string;
  exited: Promise<number | null>;
}

export async function npmStart(options: { dataDir?: string; port?: number } = {}): Promise<NpmStart> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'orderly-start-'));
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), ORDERLY_DATA_DIR: dataDir, QUIET: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
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
    if (Date.now() > deadline) {
      killTree(npm);
      throw new Error(`npm start did not get ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const dynamoDbPort = Number(/DynamoDB Local at http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
  return { npm, port, dynamoDbPort, dataDir, output: () => output, exited };
}

/** SIGKILL to the npm process and everything it started, children first (found while npm is their ancestor). */
export function killTree(npm: ChildProcess): void {
  for (const pid of [...descendantsOf(npm.pid as number), npm.pid as number]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** `npm run -s token` against that data directory's signing key: a token the twin started on it accepts. */
export function devToken(dataDir: string, tenant: string, role = 'admin'): string {
  const result = spawnSync('npm', ['run', '-s', 'token', '--', '--role', role, '--tenant', tenant], {
    cwd: ROOT,
    env: { ...process.env, ORDERLY_DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`npm run token failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** The twin's node process: the one descendant of npm that is node running local/start.ts (what a crash test kills). */
export function twinProcess(started: NpmStart): number {
  for (const pid of descendantsOf(started.npm.pid as number)) {
    try {
      if (commandLineOf(pid).includes('local/start.ts')) return pid;
    } catch {
      // Gone meanwhile.
    }
  }
  throw new Error('no twin process under npm start');
}

export interface CrashTestShop {
  first: NpmStart;
  /** An admin of `tenant` (its token signed with the data directory's key, valid across the restart). */
  api: ApiClient;
  customerId: string;
  /** SIGKILL to the twin's node process alone (npm and DynamoDB Local's watchdog see it go); waits for npm to exit. */
  crash(): Promise<void>;
  /** `npm start` again on the same data and port. */
  restart(): Promise<NpmStart>;
}

/**
 * `npm start` for a crash test, with a customer and one product in stock: killed outright and
 * started again on the same data; everything it started is killed and its data removed when the test ends.
 */
export async function crashTestShop(
  tenant: string,
  product: { sku: string; onHand: number },
): Promise<CrashTestShop> {
  const first = await npmStart();
  let second: NpmStart | undefined;
  onTestFinished(() => {
    killTree(first.npm);
    if (second) killTree(second.npm);
    rmSync(first.dataDir, { recursive: true, force: true });
  });
  const api = apiClient(`http://127.0.0.1:${first.port}`, devToken(first.dataDir, tenant));
  const customer = await api.post('/v1/customers', { name: `${tenant} Ltd` });
  await api.post('/v1/products', {
    sku: product.sku,
    name: 'Widget',
    category: 'parts',
    unitPrice: { amountMinor: 1000, currency: 'EUR' },
    stock: { onHand: product.onHand },
  });
  return {
    first,
    api,
    customerId: customer.body.id,
    crash: async () => {
      process.kill(twinProcess(first), 'SIGKILL');
      await first.exited;
    },
    restart: async () => {
      second = await npmStart({ dataDir: first.dataDir, port: first.port });
      return second;
    },
  };
}
