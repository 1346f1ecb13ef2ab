import { chmodSync, lstatSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { ValidationError } from '../../functions/shared/http/errors';
import type { Scheduler } from '../scheduler/scheduler';

/**
 * The running twin, served to local CLIs (`npm run job`) over a Unix socket in the data
 * directory: HTTP/1.1 with JSON bodies. `GET /jobs` lists the scheduled jobs; `POST /jobs/<name>`
 * runs one now and answers its result (404 naming the jobs for an unknown one, 500 with the
 * error's name and message when it fails). `GET /clients` and `POST /clients` list and register
 * machine clients (`npm run client`).
 *
 * A socket rather than a port: only its owner can reach it (the file is 0600 in a 0700
 * directory), so running a job needs no token, and nothing is exposed on the network.
 */
export interface ControlServer {
  path: string;
  close(): Promise<void>;
}

export interface ControlServerOptions {
  socketPath: string;
  scheduler: Pick<Scheduler, 'runNow' | 'list'>;
  /** Machine clients (`npm run client`): `GET /clients` lists them, `POST /clients` registers one. */
  clients?: MachineClientControl;
}

/** What `/clients` calls; a ValidationError from `register` is answered 400 with its issues. */
export interface MachineClientControl {
  register(input: unknown): Promise<unknown>;
  list(): Promise<unknown[]>;
}

const OWNER_ONLY = 0o600;

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { socketPath, scheduler, clients } = options;
  await removeStaleSocket(socketPath);
  const server = createServer((request, response) => {
    const served =
      clients && new URL(request.url ?? '/', 'http://twin').pathname === '/clients'
        ? serveClients(clients, request, response)
        : serve(scheduler, request, response);
    served.catch((error: Error) => problem(response, 500, 'Control socket error', error.message));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? anotherTwin(socketPath) : error),
    );
    server.listen(socketPath, resolve);
  });
  // Until this chmod the socket has the umask's mode, but it sits in the owner-only data directory.
  chmodSync(socketPath, OWNER_ONLY);
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        // Node removes the socket file when the server closes; a run still in progress is cut
        // off (its CLI reports the twin stopping) rather than holding the twin's shutdown.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const anotherTwin = (socketPath: string) =>
  new Error(
    `Another twin is running: it answers on ${socketPath}. Stop it first, or start this one with another data directory (ORDERLY_DATA_DIR) or socket (ORDERLY_CONTROL_SOCKET).`,
  );

/** A twin killed outright leaves its socket file behind; one that still answers is alive, and keeps it. */
async function removeStaleSocket(socketPath: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(socketPath).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!isSocket)
    throw new Error(`${socketPath} is in the way of the twin's control socket and is not a socket.`);
  const answers = await new Promise<boolean>((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (answers) throw anotherTwin(socketPath);
  rmSync(socketPath, { force: true });
}

async function serve(
  scheduler: Pick<Scheduler, 'runNow' | 'list'>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  request.resume(); // no route here reads a body
  const path = new URL(request.url ?? '/', 'http://twin').pathname;
  if (path === '/jobs') {
    if (request.method !== 'GET') return methodNotAllowed(response, 'GET');
    return send(response, 200, { jobs: scheduler.list() });
  }
  const job = /^\/jobs\/([^/]+)$/.exec(path);
  if (!job) {
    return problem(response, 404, 'Not found', 'The control socket serves GET /jobs and POST /jobs/<name>.');
  }
  if (request.method !== 'POST') return methodNotAllowed(response, 'POST');
  const name = decoded(job[1] ?? '');
  const names = scheduler.list().map((entry) => entry.name);
  if (!names.includes(name)) {
    return problem(response, 404, 'Unknown job', `There is no scheduled job '${name}'.`, { jobs: names });
  }
  try {
    const result = await scheduler.runNow(name);
    send(response, 200, { job: name, result: result ?? null });
  } catch (error) {
    const failure =
      error instanceof Error
        ? { name: error.name, message: error.message }
        : { name: 'Error', message: String(error) };
    problem(response, 500, 'The job failed', `${name} failed: ${failure.name}: ${failure.message}`, {
      error: failure,
    });
  }
}

/** A registration's JSON body is a few hundred bytes; anything near this is not one. */
const MAX_CLIENT_BODY_BYTES = 64 * 1024;

async function serveClients(
  clients: MachineClientControl,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method === 'GET') {
    request.resume();
    return send(response, 200, { clients: await clients.list() });
  }
  if (request.method !== 'POST') {
    request.resume();
    return methodNotAllowed(response, 'GET, POST');
  }
  let text = '';
  request.setEncoding('utf8');
  for await (const chunk of request) {
    text += chunk;
    if (text.length > MAX_CLIENT_BODY_BYTES)
      return problem(response, 413, 'Too large', 'The body is too large.');
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return problem(response, 400, 'Malformed JSON', 'The body is not JSON.');
  }
  try {
    send(response, 201, await clients.register(input));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problem(response, 400, error.title, error.detail, error.extensions);
  }
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed escapes: no job has such a name, so it is a 404 naming the jobs
  }
}

function send(response: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

/** Errors as RFC 9457 problems, like the API's. */
function problem(
  response: ServerResponse,
  status: number,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
): void {
  send(
    response,
    status,
    { type: 'about:blank', title, status, detail, ...extra },
    'application/problem+json',
  );
}

function methodNotAllowed(response: ServerResponse, allowed: string): void {
  response.setHeader('allow', allowed);
  problem(response, 405, 'Method not allowed', `Use ${allowed}.`);
}
