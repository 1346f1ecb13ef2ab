import { getOrAdd } from './get-or-add';
import type { Basket, CooccurrenceModel, Neighbour, PopularItem } from './model';
import { PairCounts } from './pair-counts';
import { TopNeighbours } from './top-neighbours';

/**
 * How a pair's count becomes a score. With n(x) the baskets holding x and c those holding both
 * a and b, N all baskets:
 * - `jaccard` c / (n(a) + n(b) − c) — the default: the share of the baskets holding either that
 *   hold both, so a best-seller ranks beside an item only when it is bought with it more than its
 *   size explains. On the Online Retail file it beat the others on every holdout of 5 days and
 *   more (docs/analysis.md "Recommendations" has the figures);
 * - `cosine` c / √(n(a)·n(b)) — close behind;
 * - `lift` c·N / (n(a)·n(b)) — favours rare items (two bought twice, both times together, score
 *   N/2), which a support floor of 2 does not tame: worse than popularity there;
 * - `count` c, not normalised: best-sellers top every list (for comparison only).
 */
export const MEASURES = ['jaccard', 'cosine', 'lift', 'count'] as const;
export type Measure = (typeof MEASURES)[number];

export interface CounterOptions {
  /**
   * Baskets with more distinct items than this count for popularity but not for pairs: a basket of
   * m items has m(m−1)/2 pairs, so one order of 2,000 lines would add two million; a wholesaler's
   * everything-order also says little about what goes with what. Default 100.
   */
  maxBasketItems?: number;
}

export interface ModelOptions {
  /** Neighbours kept per item (default 50). */
  maxNeighbours?: number;
  /** Pairs bought together in fewer baskets are noise, not neighbours (default 2). */
  minSupport?: number;
  measure?: Measure;
}

const DEFAULT_MAX_BASKET_ITEMS = 100;
const POPULAR_KEPT = 100;
/** Scores are stored rounded: six decimals rank as well and take half the bytes. */
const round = (score: number) => Math.round(score * 1e6) / 1e6;

/**
 * Counts, basket by basket, how often products are bought together. Memory is O(distinct items +
 * distinct pairs) — nothing per basket is kept — so a run can stream every order of a tenant
 * through it. Pairs are counted in typed arrays (pair-counts.ts).
 */
export class CooccurrenceCounter {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  /** Per item id: baskets holding it (popularity), and those of them whose pairs were counted. */
  private readonly orders: number[] = [];
  private readonly paired: number[] = [];
  private readonly pairs = new PairCounts();
  private readonly maxBasketItems: number;
  private baskets = 0;
  private pairedBaskets = 0;
  /** Baskets too large for pair counting (see `maxBasketItems`). */
  oversized = 0;

  constructor(options: CounterOptions = {}) {
    this.maxBasketItems = options.maxBasketItems ?? DEFAULT_MAX_BASKET_ITEMS;
  }

  add(basket: Pick<Basket, 'items'>): void {
    const items = [...new Set(basket.items)].map((item) => this.idOf(item));
    this.baskets++;
    for (const id of items) this.orders[id] = (this.orders[id] as number) + 1;
    if (items.length > this.maxBasketItems) {
      this.oversized++;
      return;
    }
    this.pairedBaskets++;
    for (let i = 0; i < items.length; i++) {
      const a = items[i] as number;
      this.paired[a] = (this.paired[a] as number) + 1;
      for (let j = i + 1; j < items.length; j++) this.pairs.increment(a, items[j] as number);
    }
  }

  /** Distinct pairs counted so far: what the counter's memory grows with. */
  get distinctPairs(): number {
    return this.pairs.size;
  }

  model(options: ModelOptions = {}): CooccurrenceModel {
    const maxNeighbours = options.maxNeighbours ?? 50;
    const minSupport = options.minSupport ?? 2;
    const score = scorer(options.measure ?? 'jaccard', this.paired, this.pairedBaskets);
    // Ties rank by product id, whatever order the baskets came in: heaps hold name ranks.
    const byName = this.names.map((_, id) => id).sort((x, y) => compare(this.names[x], this.names[y]));
    const rank = new Int32Array(byName.length);
    byName.forEach((id, r) => {
      rank[id] = r;
    });
    const tops = new Map<number, TopNeighbours>();
    const offer = (to: number, from: number, value: number) => {
      getOrAdd(tops, to, () => new TopNeighbours(maxNeighbours)).offer(rank[from] as number, value);
    };
    this.pairs.forEach((a, b, count) => {
      if (count < minSupport) return;
      const value = score(a, b, count);
      offer(a, b, value);
      offer(b, a, value);
    });
    const neighbours: Record<string, Neighbour[]> = {};
    for (const id of byName) {
      const top = tops.get(id);
      if (!top) continue;
      neighbours[this.names[id] as string] = top
        .sorted()
        .map((n) => ({ item: this.names[byName[n.id] as number] as string, score: round(n.score) }));
    }
    return { neighbours, popular: this.popular(), baskets: this.baskets };
  }

  private popular(): PopularItem[] {
    return this.names
      .map((item, id) => ({ item, orders: this.orders[id] as number }))
      .sort((x, y) => y.orders - x.orders || compare(x.item, y.item))
      .slice(0, POPULAR_KEPT);
  }

  private idOf(item: string): number {
    let id = this.ids.get(item);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(item, id);
      this.names.push(item);
      this.orders.push(0);
      this.paired.push(0);
    }
    return id;
  }
}

function scorer(measure: Measure, paired: readonly number[], baskets: number) {
  const n = (id: number) => paired[id] as number;
  switch (measure) {
    case 'cosine':
      return (a: number, b: number, c: number) => c / Math.sqrt(n(a) * n(b));
    case 'jaccard':
      return (a: number, b: number, c: number) => c / (n(a) + n(b) - c);
    case 'lift':
      return (a: number, b: number, c: number) => (c * baskets) / (n(a) * n(b));
    case 'count':
      return (_a: number, _b: number, c: number) => c;
  }
}

/** Code-unit order: the same everywhere, unlike localeCompare. */
const compare = (x: string | undefined, y: string | undefined) =>
  (x as string) < (y as string) ? -1 : (x as string) > (y as string) ? 1 : 0;
