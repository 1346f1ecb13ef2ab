import type { ZoneHistory } from '../settings/time-zone';
import { type AggregateUpdate, contribution, type Measures } from './contributions';
import type { Image } from './images';

/**
 * What a change of one record does to the aggregates: contribution(new) − contribution(old),
 * summed per aggregate item, measures that cancel dropped, items left with nothing dropped, in key
 * order (so that a record's chunks are the same at every delivery). Most changes of an order (a
 * task token parked, an approval level decided) change no contribution and cost nothing.
 */
export function deltas(
  oldImage: Image | undefined,
  newImage: Image | undefined,
  zones: ZoneHistory,
): AggregateUpdate[] {
  const sums = new Sums();
  if (newImage) for (const update of contribution(newImage, zones)) sums.add(update, 1);
  if (oldImage) for (const update of contribution(oldImage, zones)) sums.add(update, -1);
  return sums.updates();
}

/** Aggregate updates summed per item. */
export class Sums {
  private readonly byKey = new Map<string, AggregateUpdate>();

  add(update: AggregateUpdate, sign = 1): void {
    const key = `${update.pk}\u0000${update.sk}`;
    let sum = this.byKey.get(key);
    if (!sum) {
      sum = { pk: update.pk, sk: update.sk, add: {} };
      this.byKey.set(key, sum);
    }
    for (const [measure, value] of Object.entries(update.add))
      sum.add[measure] = (sum.add[measure] ?? 0) + sign * value;
  }

  /** Items touched so far (before cancelled ones are dropped): an upper bound of `updates().length`. */
  get size(): number {
    return this.byKey.size;
  }

  has(update: Pick<AggregateUpdate, 'pk' | 'sk'>): boolean {
    return this.byKey.has(`${update.pk}\u0000${update.sk}`);
  }

  updates(): AggregateUpdate[] {
    const out: AggregateUpdate[] = [];
    for (const sum of this.byKey.values()) {
      const add: Measures = {};
      for (const [measure, value] of Object.entries(sum.add)) if (value !== 0) add[measure] = value;
      if (Object.keys(add).length) out.push({ pk: sum.pk, sk: sum.sk, add });
    }
    return out.sort((a, b) => compare(a.pk, b.pk) || compare(a.sk, b.sk));
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
