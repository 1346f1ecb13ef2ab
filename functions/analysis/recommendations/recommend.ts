import { getOrAdd } from './get-or-add';
import type { CooccurrenceModel, PurchaseHistory, Recommendation } from './model';

export interface RecommendOptions {
  /** Recommendations wanted (default 10). */
  limit?: number;
  /**
   * A product the customer bought in at least this many orders is one they buy regularly: never
   * recommended (default 2). A product bought once may come back when what they buy goes with it;
   * 1 leaves out everything they ever bought (what the holdout evaluation measures: discovery).
   */
  regularMinOrders?: number;
}

/** Contributions named in `because`, strongest first. */
const BECAUSE_KEPT = 3;

/**
 * A customer's next products: every product of their history votes for its neighbours with the
 * neighbour's score; the products with the most votes come first, and why (the products that
 * voted most for each). When fewer than `limit` products get a vote (a new customer, products no
 * one else buys), the most popular products the customer has never bought fill the list, with an
 * empty `because` and a score of 0.
 */
export function recommendProducts(
  model: Pick<CooccurrenceModel, 'neighbours' | 'popular'>,
  history: readonly PurchaseHistory[],
  options: RecommendOptions = {},
): Recommendation[] {
  const limit = options.limit ?? 10;
  const regularMinOrders = options.regularMinOrders ?? 2;
  const regular = new Set(history.filter((h) => h.orders >= regularMinOrders).map((h) => h.item));
  const votes = new Map<string, { score: number; from: { item: string; score: number }[] }>();
  for (const bought of history) {
    for (const neighbour of model.neighbours[bought.item] ?? []) {
      if (regular.has(neighbour.item)) continue;
      const vote = getOrAdd(votes, neighbour.item, () => ({
        score: 0,
        from: [] as { item: string; score: number }[],
      }));
      vote.score += neighbour.score;
      vote.from.push({ item: bought.item, score: neighbour.score });
    }
  }
  const ranked: Recommendation[] = [...votes]
    .sort(([x, a], [y, b]) => b.score - a.score || (x < y ? -1 : x > y ? 1 : 0))
    .slice(0, limit)
    .map(([item, vote]) => ({
      item,
      score: Math.round(vote.score * 1e6) / 1e6,
      because: vote.from
        .sort((a, b) => b.score - a.score || (a.item < b.item ? -1 : 1))
        .slice(0, BECAUSE_KEPT)
        .map((f) => f.item),
    }));
  // Popularity alone is no reason to offer again what the customer has bought already.
  const taken = new Set([...ranked.map((r) => r.item), ...history.map((h) => h.item)]);
  for (const { item } of model.popular) {
    if (ranked.length >= limit) break;
    if (taken.has(item)) continue;
    ranked.push({ item, score: 0, because: [] });
  }
  return ranked;
}
