/**
 * A feature vector per customer, from what a run accumulated while reading their orders and
 * needs. Plain data in, a flat row-major table out (original units), ready for segment.ts.
 */

/** What D2 accumulates per customer while reading. */
export interface CustomerActivity {
  customerId: string;
  orders: number; // orders APPROVED…CLOSED (never REJECTED/CANCELLED), imported included
  revenueMinor: number; // their totals in the run's main currency (the tenant's most used one)
  lastOrderAt?: string; // ISO instant
  needsByType: Record<string, number>; // 'untyped' for needs without a type
  needs: number;
  needsValueMinor: number; // sum of estimatedValue in the main currency
  lastNeedAt?: string;
}

/**
 * How a column is transformed before it is standardised. `log1p` for counts and money: their
 * right tails are long (a few customers with hundreds of orders or a hundred times the median
 * revenue), and on the raw scale those few would be clusters of their own while everyone else
 * is squeezed into one; log(1 + x) keeps the order and makes a doubling count the same anywhere.
 * `none` for durations in days: bounded by the observation window, without a long tail, and
 * "lapsed" is linear in time.
 */
export type Transform = 'log1p' | 'none';

export interface FeatureTable {
  ids: string[];
  names: string[];
  values: Float64Array; // row-major n × d, original units
  /** Per column; when absent, segment.ts decides from the data (standardise.ts). */
  transforms?: Transform[];
}

/** Columns in minor units of the run's main currency: their centroids are rounded to whole units. */
export const MONEY_FEATURES: ReadonlySet<string> = new Set(['revenue', 'needs_value_avg']);

const DAY_MS = 86_400_000;

/**
 * recency_days, orders, revenue (minor units), needs, needs_value_avg (minor units),
 * days_since_need, then need:<type> counts for the `maxTypeFeatures` (default 6) types most
 * frequent over all customers (ties by name; 'untyped' is not a type and is left out — it says
 * how a need was entered, not what the customer needs).
 *
 * A customer who never ordered gets a recency of the observation window plus one day, the
 * window being the longest time since any customer's last order or need: farther back than any
 * real buyer, so "never" ranks as the most lapsed, without an infinity or a blank that would
 * wreck the standardisation. The same for days_since_need of a customer without needs. Dates
 * after `now` count as 0 days.
 */
export function customerFeatures(
  activity: readonly CustomerActivity[],
  now: Date,
  options: { maxTypeFeatures?: number } = {},
): FeatureTable {
  const maxTypes = options.maxTypeFeatures ?? 6;
  const types = topTypes(activity, maxTypes);
  const names = [
    'recency_days',
    'orders',
    'revenue',
    'needs',
    'needs_value_avg',
    'days_since_need',
    ...types.map((type) => `need:${type}`),
  ];
  const transforms: Transform[] = [
    'none',
    'log1p',
    'log1p',
    'log1p',
    'log1p',
    'none',
    ...types.map(() => 'log1p' as const),
  ];
  const daysSince = (at: string | undefined) =>
    at === undefined ? undefined : Math.max(0, (now.getTime() - Date.parse(at)) / DAY_MS);

  let window = 0;
  for (const customer of activity) {
    window = Math.max(window, daysSince(customer.lastOrderAt) ?? 0, daysSince(customer.lastNeedAt) ?? 0);
  }
  const never = window + 1;

  const d = names.length;
  const values = new Float64Array(activity.length * d);
  activity.forEach((customer, i) => {
    const row = [
      daysSince(customer.lastOrderAt) ?? never,
      customer.orders,
      customer.revenueMinor,
      customer.needs,
      customer.needs > 0 ? customer.needsValueMinor / customer.needs : 0,
      daysSince(customer.lastNeedAt) ?? never,
      ...types.map((type) => customer.needsByType[type] ?? 0),
    ];
    values.set(row, i * d);
  });
  return { ids: activity.map((customer) => customer.customerId), names, values, transforms };
}

function topTypes(activity: readonly CustomerActivity[], max: number): string[] {
  const totals = new Map<string, number>();
  for (const customer of activity) {
    for (const [type, count] of Object.entries(customer.needsByType)) {
      if (type !== 'untyped' && count > 0) totals.set(type, (totals.get(type) ?? 0) + count);
    }
  }
  return (
    [...totals]
      // Most needs first; ties by name (a Map's keys differ, so a name never ties with itself).
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, max)
      .map(([type]) => type)
  );
}
