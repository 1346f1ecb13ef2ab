import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * A real webhook receiver on 127.0.0.1 for delivery tests: every request is kept (headers, body,
 * whether it verified with the reference `standardwebhooks` package under the secret it holds,
 * the status answered). `answer` decides per request: a status, or `hang` (never answered until
 * `release()`). De-duplication by webhook-id is the test's to do, as a receiver's.
 */
export interface ReceivedWebhook {
  id: string;
  headers: Record<string, string>;
  body: string;
  verified: boolean;
  status: number | 'hang';
  /** Still open: not answered and not closed by the sender. */
  open: boolean;
}

export type Answer = (request: { id: string; index: number; body: string }) => number | 'hang';

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** The webhook-ids answered 2xx, in the order they were answered, duplicates kept. */
  acknowledged(): string[];
  setSecret(secret: string): void;
  setAnswer(answer: Answer): void;
  /** Answers every hanging request 200 and stops hanging. */
  release(): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(
  secret?: string,
  answer: Answer = () => 200,
): Promise<WebhookReceiver> {
  let verifier = secret ? new Webhook(secret) : undefined;
  let decide = answer;
  const received: ReceivedWebhook[] = [];
  const hanging: { entry: ReceivedWebhook; response: ServerResponse }[] = [];
  let released = false;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
      );
      let verified = false;
      try {
        verifier?.verify(body, headers);
        verified = verifier !== undefined;
      } catch {
        verified = false;
      }
      const id = headers['webhook-id'] ?? '';
      const status = released ? 200 : decide({ id, index: received.length, body });
      const entry: ReceivedWebhook = { id, headers, body, verified, status, open: true };
      received.push(entry);
      response.on('close', () => {
        entry.open = false;
      });
      if (status === 'hang') hanging.push({ entry, response });
      else response.writeHead(status, { 'content-type': 'text/plain' }).end(`answered ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    acknowledged: () =>
      received.filter((r) => typeof r.status === 'number' && r.status < 300 && r.verified).map((r) => r.id),
    setSecret: (next) => {
      verifier = new Webhook(next);
    },
    setAnswer: (next) => {
      decide = next;
    },
    release: () => {
      released = true;
      for (const { entry, response } of hanging.splice(0)) {
        entry.status = 200;
        if (!response.writableEnded && !response.destroyed) response.writeHead(200).end('late');
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits until `condition` holds, polling; fails with `what` after a generous deadline (never a timing assertion). */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  deadlineMs = 120_000,
) {
  const deadline = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
