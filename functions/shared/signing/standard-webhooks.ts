import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks (https://www.standardwebhooks.com/, spec v1): the signing both directions
 * use. A secret is `whsec_` + base64 of random bytes; a message is signed as
 * `v1,` + base64(HMAC-SHA256(secret bytes, `${id}.${timestamp}.${body}`)), and the
 * `webhook-signature` header carries one or more such signatures separated by spaces (two while a
 * secret is being rotated). Receivers check the timestamp against a tolerance (replay window) and
 * de-duplicate by `webhook-id`. Interoperability with the reference `standardwebhooks` package is
 * tested both ways (test/unit/standard-webhooks.test.ts).
 */
export const SECRET_PREFIX = 'whsec_';
/** Five minutes either way, as the specification recommends. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** 32 random bytes: the specification asks for 24 to 64. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

function secretBytes(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length < 16) throw new Error('A webhook secret must hold at least 16 bytes');
  return bytes;
}

/** One `v1,<base64>` signature of the message under one secret. */
export function sign(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretBytes(secret)).update(`${id}.${timestampSeconds}.${body}`);
  return `v1,${mac.digest('base64')}`;
}

/** The three headers of a message, signed with every given secret (the new and, while it overlaps, the old). */
export function signedHeaders(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): WebhookHeaders {
  if (secrets.length === 0) throw new Error('No secret to sign with');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => sign(s, id, timestampSeconds, body)).join(' '),
  };
}

export type VerifyFailure = 'missing-headers' | 'bad-timestamp' | 'stale-timestamp' | 'bad-signature';

export class WebhookVerificationError extends Error {
  readonly reason: VerifyFailure;
  constructor(reason: VerifyFailure) {
    super(
      {
        'missing-headers': 'webhook-id, webhook-timestamp and webhook-signature are required',
        'bad-timestamp': 'webhook-timestamp is not a Unix time in seconds',
        'stale-timestamp': 'webhook-timestamp is outside the tolerance',
        'bad-signature': 'No signature matches',
      }[reason],
    );
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

/** Header names are matched case-insensitively (HTTP/2 and API Gateway lower-case them). */
function header(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/**
 * Verifies a received message against any of `secrets` (a rotated secret overlaps its successor):
 * the timestamp within `toleranceSeconds` of `now`, then one `v1` signature equal in constant
 * time. Returns the message id. The body must be the exact bytes received, before any parsing.
 */
export function verify(
  secrets: readonly string[],
  headers: Readonly<Record<string, string | undefined>>,
  body: string,
  now: Date,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): { id: string; timestampSeconds: number } {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing-headers');
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError('bad-timestamp');
  const timestampSeconds = Number(timestamp);
  if (Math.abs(now.getTime() / 1000 - timestampSeconds) > toleranceSeconds)
    throw new WebhookVerificationError('stale-timestamp');
  const given = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  for (const secret of secrets) {
    const expected = Buffer.from(sign(secret, id, timestampSeconds, body).slice(3), 'base64');
    if (given.some((g) => g.length === expected.length && timingSafeEqual(g, expected)))
      return { id, timestampSeconds };
  }
  throw new WebhookVerificationError('bad-signature');
}
