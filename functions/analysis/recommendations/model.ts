/**
 * What recommendations are computed from and what a run stores (docs/analysis.md
 * "Recommendations"): plain data, shared by the counter, the recommender, the store and the
 * evaluation.
 */

/** One order as a set of products: who bought, when, and which distinct products. */
export interface Basket {
  customerId: string;
  orderId: string;
  /** ISO instant of the order. */
  at: string;
  /** Distinct product ids. */
  items: string[];
}

export interface Neighbour {
  item: string;
  score: number;
}

export interface PopularItem {
  item: string;
  /** Baskets holding it. */
  orders: number;
}

export interface CooccurrenceModel {
  /** Per product, the products most often bought with it, best first (normalised scores). */
  neighbours: Record<string, Neighbour[]>;
  /** The most bought products (by orders holding them), at most 100: the fallback for new customers. */
  popular: PopularItem[];
  /** Baskets counted. */
  baskets: number;
}

/** What a customer bought: per product, in how many orders and when last. */
export interface PurchaseHistory {
  item: string;
  orders: number;
  lastAt: string;
}

export interface Recommendation {
  item: string;
  score: number;
  /** The customer's products that led to it, strongest first; empty for a popular item. */
  because: string[];
}
