/**
 * Commercial terms that change under an order: a product's price, category or availability, a
 * customer's credit limit. Approval rules judge an order against the terms as they were a little
 * before it, so that changing the terms first and ordering straight after is seen, and a price
 * cut counts like a discount. Pure functions over ISO 8601 timestamps.
 */

/** How long a price cut still counts: an order's list price is the highest price of this window. */
export const PRICE_LOOKBACK_SECONDS = 86_400;

/** The longest window a rule may ask about (`termsChangedWithin.seconds`): 30 days. */
export const MAX_TERMS_WINDOW_SECONDS = 2_592_000;

export interface Price {
  amountMinor: number;
  currency: string;
}

/** The highest price a product had before its latest price change, and when that change was. */
export interface PriceBefore {
  amountMinor: number;
  changedAt: string;
}

/**
 * The product's `priceBefore` after a change from `current` to `next` at `now`: the highest price
 * it had in the 24 hours before this change. A change less than 24 hours after the previous one
 * carries the earlier high along, so a price cut in steps still shows the price it started from.
 * null: remove it (the currency changed, so no earlier amount compares). An unchanged price leaves
 * `previous` as it was (null when there is none).
 */
export function nextPriceBefore(
  current: Price,
  next: Price,
  previous: PriceBefore | undefined,
  now: string,
): PriceBefore | null {
  if (current.currency !== next.currency) return null;
  if (current.amountMinor === next.amountMinor) return previous ?? null;
  const chained =
    previous !== undefined &&
    Date.parse(now) - Date.parse(previous.changedAt) < PRICE_LOOKBACK_SECONDS * 1000;
  return {
    amountMinor: chained ? Math.max(previous.amountMinor, current.amountMinor) : current.amountMinor,
    changedAt: now,
  };
}

/**
 * The price an order at `at` is judged against: the highest price the product had within
 * PRICE_LOOKBACK_SECONDS before it, so a price that went down yesterday still counts as a discount
 * today. A price raised since is the list price itself.
 */
export function listPriceMinor(unitPrice: Price, priceBefore: PriceBefore | undefined, at: string): number {
  if (priceBefore === undefined || !changedWithin(priceBefore.changedAt, at, PRICE_LOOKBACK_SECONDS))
    return unitPrice.amountMinor;
  return Math.max(priceBefore.amountMinor, unitPrice.amountMinor);
}

/**
 * Whether a change at `changedAt` lies within `seconds` before `reference`, or after it. Changes an
 * order can see were read no later than its decision, so "after" ends there.
 */
export function changedWithin(changedAt: string, reference: string, seconds: number): boolean {
  const changed = Date.parse(changedAt);
  const from = Date.parse(reference) - seconds * 1000;
  return changed >= from;
}

/** An ISO 8601 timestamp in the one form stored (UTC, milliseconds); undefined for anything else. */
export function isoInstant(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const BPS = 10_000n;

/**
 * How far, in basis points of its list price × quantity, a line's total lies below it, the
 * discount included: 10,000 − 10,000 × (unit price / list price) × (1 − discount). Computed on
 * the exact amounts, not on the total rounded to the minor unit, so that a 15% discount is 1500
 * and never 1505 for the rounding; rounded up, so "more than N" holds exactly when the exact
 * figure is more than N. 0 when the line lies at or above its list price. Quantity cancels out.
 */
export function belowListBps(line: {
  unitPriceMinor: number;
  discountBps: number;
  listPriceMinor?: number | undefined;
}): number {
  const list = BigInt(line.listPriceMinor ?? line.unitPriceMinor);
  if (list <= 0n) return 0;
  const below = list * BPS - BigInt(line.unitPriceMinor) * (BPS - BigInt(line.discountBps));
  if (below <= 0n) return 0;
  return Number((below + list - 1n) / list);
}
