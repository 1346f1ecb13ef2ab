import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * A webhook receiver as a partner would run one: plain HTTP on 127.0.0.1, every message verified
 * with the reference `standardwebhooks` package (so what Orderly signs is checked by code that is
 * not Orderly's), each `webhook-id` acted on once (Orderly sends the same id again when it did not
 * see a 2xx in time), and answered at once: the work a message asks for happens afterwards, as
 * the specification recommends, so a slow partner never makes Orderly retry.
 */
export interface ReceiverOptions {
  /** The port to listen on; 0 (default) lets the system pick a free one. */
  port?: number;
  /** The endpoint's signing secret, or undefined while it is not known yet (messages then get 503 and come again). */
  secret: () => string | undefined;
  /** Called once per verified message id, after the 2xx was sent. */
  onMessage: (payload: unknown, webhookId: string) => void;
  log?: (line: string) => void;
}

export interface Receiver {
  url: string;
  port: number;
  /** Verified, first-time messages so far. */
  accepted: () => number;
  close: () => Promise<void>;
}

/** Bodies are small JSON documents; anything bigger is not a webhook of ours. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Ids remembered for de-duplication; Orderly's retries of one message come within hours, not after 10 000 others. */
const REMEMBERED_IDS = 10_000;

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const seen = new Set<string>();
  let accepted = 0;
  const answer = (res: ServerResponse, status: number, detail?: string) => {
    res.writeHead(status, detail ? { 'content-type': 'text/plain' } : {});
    res.end(detail);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return answer(res, 405, 'POST webhooks here');
    const body = await readBody(req);
    if (body === undefined) return answer(res, 413, 'too large');
    const secret = options.secret();
    if (!secret) return answer(res, 503, 'not ready: no signing secret yet');
    let payload: unknown;
    try {
      payload = new Webhook(secret).verify(body, headersOf(req));
    } catch (error) {
      options.log?.(`refused a message: ${(error as Error).message}`);
      return answer(res, 401, 'signature refused');
    }
    const id = String(req.headers['webhook-id']);
    answer(res, 204);
    if (seen.has(id)) return;
    seen.add(id);
    if (seen.size > REMEMBERED_IDS) seen.delete(seen.values().next().value as string);
    accepted++;
    options.onMessage(payload, id);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      options.log?.(`receiver error: ${error.message}`);
      if (!res.headersSent) answer(res, 500);
    });
  });
  const port = await listen(server, options.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    port,
    accepted: () => accepted,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/** The raw body, exactly the bytes signed; undefined when it is larger than a webhook can be. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
