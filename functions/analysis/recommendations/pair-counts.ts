/**
 * Counts of unordered pairs of small integers (item ids), in an open-addressing hash table on
 * typed arrays: 12 bytes a slot, 35–70 % full, so a pair costs 17–34 bytes where a `Map`
 * entry costs some 80, and there is no `Map`'s ceiling of 2^24 entries (a tenant with a large
 * catalogue passes that). Linear probing; the table doubles when it fills.
 */
const EMPTY = 0;
const MAX_LOAD = 0.7;
const INITIAL_SLOTS = 1 << 12;

export class PairCounts {
  /** `a + 1` (so 0 marks an empty slot) and `b` of the pair in each slot, `a < b`. */
  private first = new Uint32Array(INITIAL_SLOTS);
  private second = new Uint32Array(INITIAL_SLOTS);
  private counts = new Uint32Array(INITIAL_SLOTS);
  private used = 0;

  /** Distinct pairs counted. */
  get size(): number {
    return this.used;
  }

  /** Adds one to the pair {a, b} (a ≠ b; the order does not matter). */
  increment(a: number, b: number): void {
    const low = Math.min(a, b);
    const high = Math.max(a, b);
    const mask = this.first.length - 1;
    let slot = hash(low, high) & mask;
    for (;;) {
      const held = this.first[slot] as number;
      if (held === EMPTY) break;
      if (held === low + 1 && this.second[slot] === high) {
        (this.counts[slot] as number)++;
        return;
      }
      slot = (slot + 1) & mask;
    }
    this.first[slot] = low + 1;
    this.second[slot] = high;
    this.counts[slot] = 1;
    if (++this.used > this.first.length * MAX_LOAD) this.grow();
  }

  /** Calls `visit` once per pair (a < b) with its count, in no particular order. */
  forEach(visit: (a: number, b: number, count: number) => void): void {
    const { first, second, counts } = this;
    for (let slot = 0; slot < first.length; slot++) {
      const held = first[slot] as number;
      if (held !== EMPTY) visit(held - 1, second[slot] as number, counts[slot] as number);
    }
  }

  private grow(): void {
    const { first, second, counts } = this;
    const slots = first.length * 2;
    this.first = new Uint32Array(slots);
    this.second = new Uint32Array(slots);
    this.counts = new Uint32Array(slots);
    const mask = slots - 1;
    for (let old = 0; old < first.length; old++) {
      const held = first[old] as number;
      if (held === EMPTY) continue;
      let slot = hash(held - 1, second[old] as number) & mask;
      while (this.first[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.first[slot] = held;
      this.second[slot] = second[old] as number;
      this.counts[slot] = counts[old] as number;
    }
  }
}

/** Mixes both ids into 32 bits (murmur3's finaliser), so that neighbouring ids spread out. */
function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
