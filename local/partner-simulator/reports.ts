/**
 * What the simulated fulfilment partner says back, as plain data: the fulfilment request it
 * accepts, the reports it makes of it (shipped, then delivered), and what it does with each answer
 * of Orderly's inbound endpoint. No I/O here: receiver.ts and reporter.ts do that.
 */

/** The one webhook the simulator acts on; every other type is acknowledged and ignored. */
export const FULFILMENT_REQUESTED = 'order.fulfilment_requested';

export type ReportType = 'fulfilment.shipped' | 'fulfilment.delivered';

/** What the simulator needs of an `order.fulfilment_requested` delivery. */
export interface FulfilmentRequest {
  orderId: string;
  number?: string;
  partnerId?: string;
}

/** One report, as sent: its `webhook-id` and body stay the same across its retries. */
export interface Report {
  webhookId: string;
  type: ReportType;
  body: string;
}

/**
 * The fulfilment request in a verified delivery's payload
 * (`{ id, type, timestamp, subject, data: { orderId, number, partnerId, … } }`), or undefined when
 * the payload is another type or lacks an order id.
 */
export function fulfilmentRequestOf(payload: unknown): FulfilmentRequest | undefined {
  if (!isRecord(payload) || payload.type !== FULFILMENT_REQUESTED || !isRecord(payload.data))
    return undefined;
  const { orderId, number, partnerId } = payload.data;
  if (typeof orderId !== 'string' || orderId === '') return undefined;
  return {
    orderId,
    ...(typeof number === 'string' ? { number } : {}),
    ...(typeof partnerId === 'string' ? { partnerId } : {}),
  };
}

/**
 * The report of one step of an order. Its id names the order, the step and when it was made: a
 * retry of it repeats id and body (Orderly answers a repeat with the first answer and does nothing
 * twice), while a report made again later (after a restart) is a new message, which Orderly
 * answers with 409 if the step was already reported: either way the step happens once.
 */
export function reportOf(type: ReportType, orderId: string, madeAt: Date): Report {
  const step = type === 'fulfilment.shipped' ? 'shipped' : 'delivered';
  const data =
    type === 'fulfilment.shipped'
      ? { orderId, carrier: 'Simulated Parcel Co', trackingNumber: trackingNumberOf(orderId) }
      : { orderId };
  return {
    webhookId: `sim_${orderId}_${step}_${madeAt.getTime()}`,
    type,
    body: JSON.stringify({ type, timestamp: madeAt.toISOString(), data }),
  };
}

/** A tracking number that a person can tell belongs to the order (its id's last ten characters). */
export function trackingNumberOf(orderId: string): string {
  return `SIM${orderId.slice(-10)}`;
}

/**
 * What an answer of the inbound endpoint means for a report:
 * - 2xx: done;
 * - 409: the order is past that step already (reported before a restart) or left the way
 *   (cancelled): done, nothing to repeat;
 * - 408, 425, 429 and 5xx, or no answer at all (`undefined`): try again later;
 * - any other 4xx (a refused signature, an unknown order): repeating would get the same answer, so
 *   the simulator gives up and says why.
 */
export function outcomeOf(status: number | undefined): 'done' | 'retry' | 'give-up' {
  if (status === undefined) return 'retry';
  if ((status >= 200 && status < 300) || status === 409) return 'done';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'retry';
  return 'give-up';
}

/** Seconds before retry `attempt` (1 = the first retry): 1, 2, 4, 8, 16, then every 30 s. */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(30, 2 ** Math.max(0, attempt - 1));
}

/** Retries of one report before the simulator gives up on it (about a quarter of an hour). */
export const MAX_REPORT_ATTEMPTS = 35;

export interface SimulatorSettings {
  enabled: boolean;
  /** Seconds before reporting shipped, and again before reporting delivered. */
  delaySeconds: number;
}

export const DEFAULT_DELAY_SECONDS = 5;

/**
 * The simulator's settings from the environment: `ORDERLY_SIMULATOR=off` (or `false`, `0`)
 * turns it off; `ORDERLY_SIMULATOR_DELAY_SECONDS` (default 5, fractions allowed, at most a day)
 * sets the delay. A value it cannot read is an error that says so, not a silent default.
 */
export function simulatorSettings(env: Readonly<Record<string, string | undefined>>): SimulatorSettings {
  const switchValue = (env.ORDERLY_SIMULATOR ?? 'on').trim().toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0', ''].includes(switchValue))
    throw new Error(`ORDERLY_SIMULATOR must be on or off, got '${env.ORDERLY_SIMULATOR}'`);
  const enabled = !['off', 'false', '0'].includes(switchValue);
  const rawDelay = env.ORDERLY_SIMULATOR_DELAY_SECONDS?.trim();
  const delaySeconds = rawDelay ? Number(rawDelay) : DEFAULT_DELAY_SECONDS;
  if (!Number.isFinite(delaySeconds) || delaySeconds < 0 || delaySeconds > 86_400)
    throw new Error(
      `ORDERLY_SIMULATOR_DELAY_SECONDS must be a number of seconds from 0 to 86400, got '${rawDelay}'`,
    );
  return { enabled, delaySeconds };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
