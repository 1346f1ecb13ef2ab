import type { Money, NeedRow } from './read-sources';

/**
 * The open needs no order answers yet (NEW or QUALIFIED, no `orderIds`), per segment: what a
 * salesperson can offer a segment's customers next (GET /v1/customers/{id}/recommendations).
 *
 * While reading, each customer keeps their PER_CUSTOMER largest such needs (by estimated value;
 * memory O(customers), not O(needs)); once segments are known, a segment's list is the
 * PER_SEGMENT largest of its customers' — values in the run's main currency first, then other
 * currencies (not converted, so not compared with it), then needs without a value. The cap per
 * customer also keeps one customer with many needs from filling a segment's whole list.
 */
export const OPEN_STATUSES = ['NEW', 'QUALIFIED'] as const;
export const PER_CUSTOMER = 3;
export const PER_SEGMENT = 20;

export interface OpenNeed {
  needId: string;
  title: string;
  type?: string;
  estimatedValue?: Money;
  customerId: string;
}

const amountOf = (need: OpenNeed) => need.estimatedValue?.amountMinor ?? -1;

export class OpenNeedsFold {
  private readonly byCustomer = new Map<string, OpenNeed[]>();

  /** A need of an open status (the caller reads them by status partition). */
  add(need: NeedRow): void {
    if (need.answered) return;
    let kept = this.byCustomer.get(need.customerId);
    if (!kept) {
      kept = [];
      this.byCustomer.set(need.customerId, kept);
    }
    const open: OpenNeed = {
      needId: need.id,
      title: need.title,
      ...(need.type === undefined ? {} : { type: need.type }),
      ...(need.value ? { estimatedValue: need.value } : {}),
      customerId: need.customerId,
    };
    if (kept.length < PER_CUSTOMER) {
      kept.push(open);
      return;
    }
    // Replace the smallest kept when this one is larger (a list of three: a scan is the fastest).
    let smallest = 0;
    for (let i = 1; i < kept.length; i++)
      if (amountOf(kept[i] as OpenNeed) < amountOf(kept[smallest] as OpenNeed)) smallest = i;
    if (amountOf(open) > amountOf(kept[smallest] as OpenNeed)) kept[smallest] = open;
  }

  /** Each segment's list, largest first (ties by need id, so the same data gives the same list). */
  bySegment(
    customerIds: readonly string[],
    segmentOf: ArrayLike<number>,
    segments: number,
    mainCurrency: string | undefined,
  ): OpenNeed[][] {
    const lists: OpenNeed[][] = Array.from({ length: segments }, () => []);
    customerIds.forEach((customerId, row) => {
      const needs = this.byCustomer.get(customerId);
      if (needs) lists[segmentOf[row] as number]?.push(...needs);
    });
    const rank = (need: OpenNeed) =>
      need.estimatedValue === undefined ? 2 : need.estimatedValue.currency === mainCurrency ? 0 : 1;
    return lists.map((list) =>
      list
        .sort(
          (a, b) =>
            rank(a) - rank(b) ||
            amountOf(b) - amountOf(a) ||
            (a.needId < b.needId ? -1 : a.needId > b.needId ? 1 : 0),
        )
        .slice(0, PER_SEGMENT),
    );
  }
}
