import { CooccurrenceCounter, type CounterOptions, type ModelOptions } from './cooccurrence';
import { getOrAdd } from './get-or-add';
import type { Basket, PurchaseHistory } from './model';
import { recommendProducts } from './recommend';

export interface HoldoutOptions extends CounterOptions, ModelOptions {
  /** The last this many days of the data are held out (default 30). */
  holdoutDays?: number;
  /** Recommendations per customer (default 10). */
  k?: number;
}

export interface HitRate {
  /** Evaluated customers with at least one new holdout product among their k recommendations. */
  hits: number;
  /** hits / evaluated; null when no customer could be evaluated. */
  hitRate: number | null;
}

export interface HoldoutFigures {
  k: number;
  holdoutDays: number;
  /** The first and last basket's times; null without baskets. */
  from: string | null;
  to: string | null;
  /** Baskets at or after this instant are held out. */
  cutoff: string | null;
  baskets: number;
  trainingBaskets: number;
  holdoutBaskets: number;
  /** Distinct items in all baskets. */
  items: number;
  customers: number;
  /** Customers who bought before and within the holdout, something new within. */
  evaluated: number;
  /** Customers who bought before and within the holdout, but only what they had bought before. */
  repeatOnly: number;
  recommender: HitRate;
  popularity: HitRate;
  /** Training baskets too large to count pairs in (see CounterOptions.maxBasketItems). */
  oversizedBaskets: number;
  distinctPairs: number;
}

const DAY_MS = 86_400_000;

/**
 * Hit rate@k on a time split: the model and the popularity ranking learn from the baskets before
 * the last `holdoutDays` of the data, so neither sees the future. A customer who bought both
 * before and within the holdout, and something new within it, is a hit when one of the new
 * products is among the k recommended. Both recommenders leave out everything the customer had
 * bought (regularMinOrders 1): the question is which new products they will buy, and a customer
 * whose holdout orders only repeat earlier ones can be a hit for neither (counted, not evaluated).
 *
 * The baseline recommends the k products in the most training baskets that the customer has not
 * bought.
 */
export function evaluateHoldout(baskets: readonly Basket[], options: HoldoutOptions = {}): HoldoutFigures {
  const k = options.k ?? 10;
  const holdoutDays = options.holdoutDays ?? 30;
  const times = baskets.map((b) => Date.parse(b.at));
  const first = times.reduce((min, t) => Math.min(min, t), Number.POSITIVE_INFINITY);
  const last = times.reduce((max, t) => Math.max(max, t), Number.NEGATIVE_INFINITY);
  const cutoff = last - holdoutDays * DAY_MS;

  const counter = new CooccurrenceCounter(options);
  const popularity = new Map<string, number>();
  const histories = new Map<string, Map<string, PurchaseHistory>>();
  const holdout = new Map<string, Set<string>>();
  const items = new Set<string>();
  let trainingBaskets = 0;
  baskets.forEach((basket, i) => {
    for (const item of basket.items) items.add(item);
    if ((times[i] as number) < cutoff) {
      trainingBaskets++;
      counter.add(basket);
      for (const item of new Set(basket.items)) {
        popularity.set(item, (popularity.get(item) ?? 0) + 1);
        addPurchase(histories, basket, item);
      }
    } else {
      const bought = getOrAdd(holdout, basket.customerId, () => new Set<string>());
      for (const item of basket.items) bought.add(item);
    }
  });

  const model = counter.model(options);
  const ranking = [...popularity]
    .sort(([x, a], [y, b]) => b - a || (x < y ? -1 : x > y ? 1 : 0))
    .map(([item]) => item);
  let evaluated = 0;
  let repeatOnly = 0;
  let hits = 0;
  let popularityHits = 0;
  for (const [customerId, bought] of holdout) {
    const history = histories.get(customerId);
    if (!history) continue;
    const fresh = new Set([...bought].filter((item) => !history.has(item)));
    if (fresh.size === 0) {
      repeatOnly++;
      continue;
    }
    evaluated++;
    const recommended = recommendProducts(model, [...history.values()], { limit: k, regularMinOrders: 1 });
    if (recommended.some((r) => fresh.has(r.item))) hits++;
    if (topUnbought(ranking, history, k).some((item) => fresh.has(item))) popularityHits++;
  }
  const rate = (n: number) => (evaluated === 0 ? null : n / evaluated);
  return {
    k,
    holdoutDays,
    from: baskets.length ? new Date(first).toISOString() : null,
    to: baskets.length ? new Date(last).toISOString() : null,
    cutoff: baskets.length ? new Date(cutoff).toISOString() : null,
    baskets: baskets.length,
    trainingBaskets,
    holdoutBaskets: baskets.length - trainingBaskets,
    items: items.size,
    customers: new Set(baskets.map((b) => b.customerId)).size,
    evaluated,
    repeatOnly,
    recommender: { hits, hitRate: rate(hits) },
    popularity: { hits: popularityHits, hitRate: rate(popularityHits) },
    oversizedBaskets: counter.oversized,
    distinctPairs: counter.distinctPairs,
  };
}

function addPurchase(histories: Map<string, Map<string, PurchaseHistory>>, basket: Basket, item: string) {
  const history = getOrAdd(histories, basket.customerId, () => new Map<string, PurchaseHistory>());
  const known = history.get(item);
  if (!known) history.set(item, { item, orders: 1, lastAt: basket.at });
  else {
    known.orders++;
    if (basket.at > known.lastAt) known.lastAt = basket.at;
  }
}

function topUnbought(ranking: readonly string[], history: ReadonlyMap<string, unknown>, k: number): string[] {
  const top: string[] = [];
  for (const item of ranking) {
    if (top.length >= k) break;
    if (!history.has(item)) top.push(item);
  }
  return top;
}
