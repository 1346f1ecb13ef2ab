import { needText } from '../classifier';
import type { Random } from '../random';
import { CooccurrenceCounter } from '../recommendations/cooccurrence';
import { CustomerActivityFold } from './fold-customers';
import { TextReservoir } from './fold-texts';
import { WeeklyCounts } from './fold-weeks';
import { OPEN_STATUSES, OpenNeedsFold } from './open-needs';
import { type RawItem, str } from './read-segments';
import { needRowOf, orderRowOf } from './read-sources';

/**
 * Everything a run keeps of what it reads, fed page by page: per customer their activity, the
 * classifier's sample of labelled texts, weekly counts per need type and product category, the
 * orders' baskets (straight into the co-occurrence counter), per customer their largest open
 * needs, and each product's category. Nothing here grows with the number of needs or orders —
 * only with customers, products, types, weeks and product pairs.
 */
export class RunFold {
  readonly customers = new CustomerActivityFold();
  readonly texts: TextReservoir;
  readonly weeks: WeeklyCounts;
  readonly openNeeds = new OpenNeedsFold();
  readonly baskets = new CooccurrenceCounter();
  readonly categories = new Map<string, string>();
  readonly counts = { customers: 0, products: 0, orders: 0, needs: 0, labelledNeeds: 0 };

  constructor(options: { timeZone: string; random: Random; textCap?: number }) {
    this.texts = new TextReservoir(options.random, options.textCap);
    this.weeks = new WeeklyCounts(options.timeZone);
  }

  products(items: readonly RawItem[]): void {
    for (const item of items) {
      const id = str(item, 'id');
      const category = str(item, 'category');
      if (id !== undefined && category !== undefined) this.categories.set(id, category);
    }
    this.counts.products += items.length;
  }

  /** Customers of the tenant, with or without orders and needs: each is segmented. */
  customerItems(items: readonly RawItem[]): void {
    for (const item of items) {
      const id = str(item, 'id');
      if (id !== undefined) this.customers.slot(id);
    }
    this.counts.customers += items.length;
  }

  /** Orders of a revenue status (APPROVED…CLOSED), imported history included. */
  orders(items: readonly RawItem[]): void {
    for (const item of items) {
      const order = orderRowOf(item);
      this.customers.addOrder(order.customerId, order.createdAt, {
        amountMinor: order.totalMinor,
        currency: order.currency,
      });
      this.baskets.add({ items: order.productIds });
    }
    this.counts.orders += items.length;
  }

  /** Needs of one status (each is read from its status's partition, once). */
  needs(items: readonly RawItem[], status: string): void {
    const open = (OPEN_STATUSES as readonly string[]).includes(status);
    for (const item of items) {
      const need = needRowOf(item);
      this.customers.addNeed(need.customerId, need.receivedAt, need.type, need.value);
      const categories = new Set<string>();
      for (const productId of need.productIds) {
        const category = this.categories.get(productId);
        if (category !== undefined) categories.add(category);
      }
      this.weeks.add(need.receivedAt, need.type, categories);
      if (need.type !== undefined) {
        this.texts.add(need.type, needText(need));
        this.counts.labelledNeeds++;
      }
      if (open) this.openNeeds.add(need);
    }
    this.counts.needs += items.length;
  }
}
