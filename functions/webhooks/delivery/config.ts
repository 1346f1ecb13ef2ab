/**
 * The delivery engine's settings, from the environment so tests and the twin can shorten them:
 * how long an attempt may take, the retry schedule, when a failing endpoint is given up on, and
 * how long the fan-out spends on attempts before leaving them to the sweeper.
 */
export const TIMEOUT_ENV = 'ORDERLY_WEBHOOK_TIMEOUT_MS';
export const RETRY_DELAYS_ENV = 'ORDERLY_WEBHOOK_RETRY_DELAYS';
export const DISABLE_AFTER_DAYS_ENV = 'ORDERLY_WEBHOOK_DISABLE_AFTER_DAYS';
export const INLINE_BUDGET_ENV = 'ORDERLY_WEBHOOK_INLINE_BUDGET_MS';

/** Immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over about a day and a quarter. */
export const DEFAULT_RETRY_DELAYS_SECONDS: readonly number[] = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];

export interface DeliverySettings {
  timeoutMs: number;
  /** Seconds before attempt n+1 (index n); its length is the number of attempts. */
  retryDelaysSeconds: readonly number[];
  disableAfterMs: number;
  inlineBudgetMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function number(env: Env, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
}

export function parseRetryDelays(text: string): number[] {
  const delays = text.split(',').map((part) => Number(part.trim()));
  if (delays.length === 0 || delays.some((d) => !Number.isFinite(d) || d < 0))
    throw new Error(`${RETRY_DELAYS_ENV} must be a comma-separated list of seconds`);
  return delays;
}

export function deliverySettings(env: Env = process.env): DeliverySettings {
  const delays = env[RETRY_DELAYS_ENV];
  return {
    timeoutMs: number(env, TIMEOUT_ENV, 10_000),
    retryDelaysSeconds: delays?.trim() ? parseRetryDelays(delays) : DEFAULT_RETRY_DELAYS_SECONDS,
    disableAfterMs: number(env, DISABLE_AFTER_DAYS_ENV, 5) * 24 * 3600 * 1000,
    inlineBudgetMs: number(env, INLINE_BUDGET_ENV, 2000),
  };
}
