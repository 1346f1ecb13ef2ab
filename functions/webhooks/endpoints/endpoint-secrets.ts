/**
 * The signing secrets an endpoint holds, as plain data: the current one first and, for a while
 * after a rotation, the previous one with the time it stops signing. Rotating twice within the
 * overlap drops the oldest, so an endpoint never has more than two live secrets.
 */
export interface StoredSecret {
  /** Sealed with the context `{ tenantId, endpointId }` (functions/shared/secrets/sealed-secret.ts). */
  sealed: string;
  createdAt: string;
  /** Only on a previous secret: when it stops signing. */
  expiresAt?: string;
}

export const SECRET_OVERLAP_ENV = 'ORDERLY_WEBHOOK_SECRET_OVERLAP_SECONDS';
const DEFAULT_OVERLAP_SECONDS = 24 * 60 * 60;

/** How long a rotated-out secret keeps signing: 24 hours unless the environment says otherwise (tests). */
export function secretOverlapSeconds(
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  const text = env[SECRET_OVERLAP_ENV];
  if (text === undefined || text === '') return DEFAULT_OVERLAP_SECONDS;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 0)
    throw new Error(`${SECRET_OVERLAP_ENV} must be whole seconds`);
  return seconds;
}

/** The secrets that still sign at `now`, current first. */
export const liveSecrets = (secrets: readonly StoredSecret[], now: Date): StoredSecret[] =>
  secrets.filter((s) => s.expiresAt === undefined || Date.parse(s.expiresAt) > now.getTime());

/**
 * The secrets after a rotation: the new one current, the one that was current kept until
 * `now + overlapSeconds`, anything older dropped.
 */
export function rotatedSecrets(
  secrets: readonly StoredSecret[],
  sealed: string,
  now: Date,
  overlapSeconds: number,
): { secrets: StoredSecret[]; previousExpiresAt?: string } {
  const current: StoredSecret = { sealed, createdAt: now.toISOString() };
  const previous = secrets[0];
  if (!previous || overlapSeconds === 0) return { secrets: [current] };
  const previousExpiresAt = new Date(now.getTime() + overlapSeconds * 1000).toISOString();
  return {
    secrets: [
      current,
      { sealed: previous.sealed, createdAt: previous.createdAt, expiresAt: previousExpiresAt },
    ],
    previousExpiresAt,
  };
}
