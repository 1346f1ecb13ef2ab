/**
 * A memo bounded the simplest way: when it holds `max` entries, a new one empties it first.
 * For what a warm container (or one long fold) learns as it goes, where an entry is only a shortcut
 * and learning it again costs one lookup: no ages or order to keep, and memory never passes `max`
 * entries whatever the traffic. Replacing the value of a key it holds forgets nothing.
 */
export class ForgetfulMap<K, V> {
  private readonly entries = new Map<K, V>();
  readonly max: number;

  constructor(max: number) {
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('max must be a positive integer');
    this.max = max;
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    if (this.entries.size >= this.max && !this.entries.has(key)) this.entries.clear();
    this.entries.set(key, value);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
