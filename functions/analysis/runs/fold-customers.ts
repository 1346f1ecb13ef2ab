import type { CustomerActivity } from '../segments/features';
import type { Money } from './read-sources';

/**
 * Per customer, what segmentation needs of their orders and needs (A's CustomerActivity), summed
 * as records stream past. Memory is O(customers), not O(records): one slot per customer in typed
 * columns that double when full, a column per currency for money (the run's main currency — the
 * one most orders are in — is known only at the end) and a column per need type.
 */
const UNTYPED = 'untyped';

class Column<T extends Float64Array | Int32Array> {
  values: T;
  private readonly make: (size: number) => T;

  constructor(make: (size: number) => T, size: number) {
    this.make = make;
    this.values = make(size);
  }

  grow(size: number): void {
    if (size <= this.values.length) return;
    const next = this.make(Math.max(size, this.values.length * 2));
    next.set(this.values);
    this.values = next;
  }
}

const floats = (size: number) => new Column((n) => new Float64Array(n), size);
const ints = (size: number) => new Column((n) => new Int32Array(n), size);

export class CustomerActivityFold {
  private readonly ids: string[] = [];
  private readonly slots = new Map<string, number>();
  private capacity = 1024;
  private readonly orders = ints(this.capacity);
  /** Epoch ms of the last order and need; 0 when none. */
  private readonly lastOrderMs = floats(this.capacity);
  private readonly needs = ints(this.capacity);
  private readonly lastNeedMs = floats(this.capacity);
  private readonly revenue = new Map<string, Column<Float64Array>>();
  private readonly needsValue = new Map<string, Column<Float64Array>>();
  private readonly needTypes = new Map<string, Column<Int32Array>>();
  /** Orders and valued needs per currency: which one is the main currency. */
  private readonly ordersIn = new Map<string, number>();
  private readonly needsIn = new Map<string, number>();

  get size(): number {
    return this.ids.length;
  }

  /** The customer's slot, created on first sight (a customer read, or one named by an order or a need). */
  slot(customerId: string): number {
    let slot = this.slots.get(customerId);
    if (slot !== undefined) return slot;
    slot = this.ids.length;
    this.ids.push(customerId);
    this.slots.set(customerId, slot);
    if (slot >= this.capacity) {
      this.capacity *= 2;
      for (const column of this.columns()) column.grow(this.capacity);
    }
    return slot;
  }

  /** An order APPROVED…CLOSED (the caller's choice of partitions). */
  addOrder(customerId: string, at: string, total: Money): void {
    const slot = this.slot(customerId);
    this.orders.values[slot] = (this.orders.values[slot] as number) + 1;
    const ms = Date.parse(at);
    if (ms > (this.lastOrderMs.values[slot] as number)) this.lastOrderMs.values[slot] = ms;
    const revenue = this.columnOf(this.revenue, total.currency, floats);
    revenue.values[slot] = (revenue.values[slot] as number) + total.amountMinor;
    this.ordersIn.set(total.currency, (this.ordersIn.get(total.currency) ?? 0) + 1);
  }

  addNeed(customerId: string, at: string, type: string | undefined, value: Money | undefined): void {
    const slot = this.slot(customerId);
    this.needs.values[slot] = (this.needs.values[slot] as number) + 1;
    const ms = Date.parse(at);
    if (ms > (this.lastNeedMs.values[slot] as number)) this.lastNeedMs.values[slot] = ms;
    const types = this.columnOf(this.needTypes, type ?? UNTYPED, ints);
    types.values[slot] = (types.values[slot] as number) + 1;
    if (value) {
      const column = this.columnOf(this.needsValue, value.currency, floats);
      column.values[slot] = (column.values[slot] as number) + value.amountMinor;
      this.needsIn.set(value.currency, (this.needsIn.get(value.currency) ?? 0) + 1);
    }
  }

  /**
   * The tenant's most used currency: the one most orders are in, else most valued needs; ties go
   * to the first in alphabetical order, so the same data always gives the same answer.
   */
  mainCurrency(): string | undefined {
    const most = (counts: Map<string, number>) =>
      [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]?.[0];
    return most(this.ordersIn) ?? most(this.needsIn);
  }

  /** Every customer's activity, money in the main currency (other currencies are left out, not converted). */
  activity(): CustomerActivity[] {
    const currency = this.mainCurrency();
    const revenue = currency === undefined ? undefined : this.revenue.get(currency)?.values;
    const needsValue = currency === undefined ? undefined : this.needsValue.get(currency)?.values;
    const types = [...this.needTypes];
    return this.ids.map((customerId, slot) => {
      const lastOrderMs = this.lastOrderMs.values[slot] as number;
      const lastNeedMs = this.lastNeedMs.values[slot] as number;
      const needsByType: Record<string, number> = {};
      for (const [type, column] of types) {
        const count = column.values[slot] as number;
        if (count > 0) needsByType[type] = count;
      }
      return {
        customerId,
        orders: this.orders.values[slot] as number,
        revenueMinor: revenue?.[slot] ?? 0,
        ...(lastOrderMs > 0 ? { lastOrderAt: new Date(lastOrderMs).toISOString() } : {}),
        needsByType,
        needs: this.needs.values[slot] as number,
        needsValueMinor: needsValue?.[slot] ?? 0,
        ...(lastNeedMs > 0 ? { lastNeedAt: new Date(lastNeedMs).toISOString() } : {}),
      };
    });
  }

  private columnOf<T extends Float64Array | Int32Array>(
    columns: Map<string, Column<T>>,
    key: string,
    make: (size: number) => Column<T>,
  ): Column<T> {
    let column = columns.get(key);
    if (!column) {
      column = make(this.capacity);
      columns.set(key, column);
    }
    return column;
  }

  private *columns(): Iterable<Column<Float64Array | Int32Array>> {
    yield this.orders;
    yield this.lastOrderMs;
    yield this.needs;
    yield this.lastNeedMs;
    yield* this.revenue.values();
    yield* this.needsValue.values();
    yield* this.needTypes.values();
  }
}
