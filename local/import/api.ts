import { ImportError } from './errors';

/**
 * One batch sent to the API, retried until it is answered. A batch create answers 200 with one
 * result per item (created, existing or rejected with a problem); anything else is about the
 * whole request:
 *
 * - Worth retrying with the same Idempotency-Key (the API then creates only what it had not):
 *   no answer (connection refused or reset, the request's own timeout), 408, 429 (after its
 *   Retry-After), 500, 502, 503, 504. Backoff 1 s, 2 s, 4 s… up to 30 s, `attempts` times.
 * - Not worth it: 401 (the token expired or is not the twin's), 403 (its roles may not do this),
 *   404 (no such route: an API without this batch operation), 413, 400/422 on the request as a
 *   whole. The import stops; what is in stays in, and a re-run resumes.
 */
export interface ItemResult {
  index: number;
  outcome: 'created' | 'existing' | 'rejected';
  status: number;
  id?: string;
  problem?: Problem;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { field?: string; message?: string }[];
  [more: string]: unknown;
}

export class ImportStopped extends ImportError {
  override name = 'ImportStopped';
}

export interface SendOptions {
  url: string;
  path: string;
  token: string;
  idempotencyKey: string;
  items: unknown[];
  attempts?: number;
  timeoutMs?: number;
  /** Waits between attempts (tests pass one that does not sleep). */
  sleep?: (ms: number) => Promise<void>;
  /** `timeout`: the API (or the request) ran out of time — a smaller batch would fit. */
  onRetry?: (attempt: number, why: string, waitMs: number, timeout: boolean) => void;
}

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function sendBatch(options: SendOptions): Promise<ItemResult[]> {
  const attempts = options.attempts ?? 8;
  const sleep = options.sleep ?? wait;
  const body = JSON.stringify({ items: options.items });
  let why = '';
  let timeout = false;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let response: Response;
    let text: string;
    try {
      response = await fetch(options.url + options.path, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.token}`,
          'content-type': 'application/json',
          'idempotency-key': options.idempotencyKey,
        },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
      });
      text = await response.text();
    } catch (error) {
      why = `no answer (${causeOf(error)})`;
      timeout = (error as Error).name === 'TimeoutError';
      await backoff(attempt);
      continue;
    }
    if (response.status === 200) return resultsOf(text, options.items.length);
    const problem = parse(text) as Problem | undefined;
    const said =
      problem?.detail ?? problem?.title ?? (problem?.message as string | undefined) ?? text.slice(0, 200);
    if (!RETRYABLE.has(response.status))
      throw new ImportStopped(stopMessage(response.status, options.path, said));
    why = `${response.status} ${said}`;
    // A function past its time limit answers 500 (API Gateway's for a function error), the
    // gateway past its own 503 or 504.
    timeout = [500, 503, 504].includes(response.status);
    const retryAfter = Number(response.headers.get('retry-after'));
    await backoff(attempt, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
  }
  throw new ImportStopped(`${options.path} did not answer after ${attempts} attempts (last: ${why}).`);

  async function backoff(attempt: number, atLeast?: number) {
    if (attempt >= attempts) return;
    const ms = Math.max(atLeast ?? 0, Math.min(30_000, 1000 * 2 ** (attempt - 1)));
    options.onRetry?.(attempt, why, ms, timeout);
    await sleep(ms);
  }
}

function stopMessage(status: number, path: string, said: string): string {
  if (status === 401)
    return `The API refused the token (401: ${said}). A token lives only so long: get a fresh one, then run the same command again to resume.`;
  if (status === 403)
    return `The token may not call ${path} (403: ${said}). Imports need the admin role (or integration with its scope).`;
  if (status === 404)
    return `The API has no ${path} (404: ${said}). Is the URL that of an Orderly API with batch imports?`;
  if (status === 413) return `The API found a batch too large (413: ${said}). Use a smaller --batch.`;
  return `${path} answered ${status}: ${said}`;
}

function resultsOf(text: string, count: number): ItemResult[] {
  const body = parse(text) as { results?: ItemResult[] } | undefined;
  const results = body?.results;
  if (!Array.isArray(results) || results.length !== count || results.some((r, i) => r?.index !== i))
    throw new ImportStopped(`The API answered 200 without one result per item: ${text.slice(0, 200)}`);
  return results;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function causeOf(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
