import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPublicAddress, privateUrlsAllowed } from '../url-policy';
import type { AttemptLog } from './queue';
import { truncatedBody } from './schedule';

/**
 * One HTTP POST of a signed message to an endpoint. The host is resolved by the URL policy's
 * `guardedLookup`, so the address connected to is the address checked (a name that resolves to a
 * private address by the time of delivery is never connected to); Node skips `lookup` for IP
 * literals, so those are checked here. Never throws: every failure is the attempt's `error`.
 */
export const USER_AGENT = 'Orderly-Webhooks/1';

/** The attempt was cut off by the fan-out's inline budget: our limit, not the receiver's failure. */
export const LEFT_TO_SWEEPER = 'timeout: left to the sweeper';

// Connections are kept alive between deliveries to the same receiver (the sweeper drains lanes of
// one endpoint one after another); each new connection is looked up and checked again.
const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 16 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 16 }),
};

/** How a kept-alive socket the other side has closed fails a request written to it. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/** Why the URL may not be connected to at all, or undefined. */
export function refusalOf(url: URL): string | undefined {
  if (url.username || url.password) return 'refused: credentials in the URL';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `refused: ${url.protocol} is not http(s)`;
  if (privateUrlsAllowed()) return undefined;
  if (url.protocol !== 'https:') return 'refused: only https URLs are delivered to';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !isPublicAddress(host)) return `refused: ${host} is not a public address`;
  return undefined;
}

export async function post(
  target: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<AttemptLog> {
  const started = Date.now();
  const at = new Date(started).toISOString();
  const done = (fields: Omit<AttemptLog, 'at' | 'durationMs'>): AttemptLog => ({
    at,
    durationMs: Date.now() - started,
    ...fields,
  });
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return done({ error: 'refused: not a URL' });
  }
  const refused = refusalOf(url);
  if (refused) return done({ error: refused });
  const secure = url.protocol === 'https:';
  const timeout = AbortSignal.timeout(timeoutMs);
  const aborted = signal ? AbortSignal.any([signal, timeout]) : timeout;
  return new Promise<AttemptLog>((resolve) => {
    const finish = (entry: AttemptLog) => {
      aborted.removeEventListener('abort', onAbort);
      resolve(entry);
    };
    // A kept-alive socket the receiver closed meanwhile (its idle timeout, often 5 s) fails the
    // request before the receiver sees it: sent again once, at once, on a new connection, as
    // Node's documentation advises (`request.reusedSocket`), rather than costing a turn of the schedule.
    const send = (fresh: boolean) => {
      const request = (secure ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        agent: fresh ? false : secure ? agents.https : agents.http,
        lookup: guardedLookup as never,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      });
      current = request;
      request.on('response', onResponse);
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (!fresh && request.reusedSocket && STALE_SOCKET_CODES.has(error.code ?? '') && !aborted.aborted)
          return send(true);
        finish(done({ error: errorText(error, timeout) }));
      });
      request.end(body);
    };
    let current: ReturnType<typeof httpRequest> | undefined;
    const onAbort = () => current?.destroy(new Error(timeout.aborted ? 'timeout' : 'aborted'));
    const onResponse = (response: import('node:http').IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        // Only the start of the answer is logged; the rest is read and dropped so the socket can be reused.
        if (size <= 1024) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () => {
        const text = truncatedBody(Buffer.concat(chunks));
        finish(done({ statusCode: response.statusCode ?? 0, ...(text ? { responseBody: text } : {}) }));
      });
      response.on('error', (error) =>
        finish(done({ statusCode: response.statusCode ?? 0, error: errorText(error, timeout) })),
      );
      // Cut off before the answer ended (after 'end' this changes nothing: the first outcome stands).
      response.on('close', () =>
        finish(done({ statusCode: response.statusCode ?? 0, error: 'closed before the answer ended' })),
      );
    };
    send(false);
    if (aborted.aborted) onAbort();
    else aborted.addEventListener('abort', onAbort, { once: true });
  });
}

function errorText(error: NodeJS.ErrnoException, timeout: AbortSignal): string {
  if (timeout.aborted) return 'timeout: no answer in time';
  if (error.message === 'aborted') return LEFT_TO_SWEEPER;
  if (error.code === 'EPRIVATEADDRESS') return `refused: ${error.message}`;
  return `${error.code ?? 'error'}: ${error.message}`.slice(0, 300);
}
