/**
 * What an attempt's answer means and when the next one is due: plain functions over plain data
 * (the queue applies them). A 2xx is delivered; `410 Gone` says the receiver is gone for good;
 * anything else (another status, a timeout, a refused or failed connection) is tried again on
 * the schedule, and after its last attempt the delivery has failed.
 */
export type AttemptVerdict = 'succeeded' | 'gone' | 'retry';

export function verdictOf(statusCode: number | undefined): AttemptVerdict {
  if (statusCode !== undefined && statusCode >= 200 && statusCode < 300) return 'succeeded';
  if (statusCode === 410) return 'gone';
  return 'retry';
}

/**
 * When the attempt after the `made`-th failed attempt of this round is due (a redelivery starts a
 * new round), or undefined when the schedule is spent.
 */
export function nextAttemptAt(made: number, delaysSeconds: readonly number[], now: Date): string | undefined {
  const delay = delaysSeconds[made];
  if (delay === undefined) return undefined;
  return new Date(now.getTime() + delay * 1000).toISOString();
}

/** A failure that, counted from the first failure of the streak, is old enough to give the endpoint up. */
export const failingTooLong = (
  failingSince: string | undefined,
  now: Date,
  disableAfterMs: number,
): boolean => failingSince !== undefined && now.getTime() - Date.parse(failingSince) >= disableAfterMs;

/** Receivers' answers are logged, not stored whole: the first KiB, marked when cut. */
export const MAX_RESPONSE_BODY_BYTES = 1024;

export function truncatedBody(bytes: Buffer): string {
  if (bytes.length <= MAX_RESPONSE_BODY_BYTES) return bytes.toString('utf8');
  // A multi-byte character cut in half decodes to U+FFFD; drop it rather than store a broken one.
  return `${bytes
    .subarray(0, MAX_RESPONSE_BODY_BYTES)
    .toString('utf8')
    .replace(/\uFFFD$/, '')}…`;
}
