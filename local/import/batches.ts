import { createHash } from 'node:crypto';
import type { PendingItem } from './items';

/**
 * Items are sent in batches of at most `maxItems` (the API takes 100) and `maxBytes` of JSON
 * (orders with hundreds of lines stay well under what a function accepts), smaller for a while
 * when the API times out on them (`slower`, `faster`: a busy API, or a big order history). Each batch carries an
 * Idempotency-Key derived from the file's hash, the mapping's and the very items it holds — not a
 * random one — so a batch retried after a timeout, in this run or the next, is the same request:
 * the API answers `existing` for each item it committed and creates only the rest. (A key names
 * exactly one list of items: reusing a key for other items would be refused by the API.)
 */
export interface Batch {
  items: PendingItem[];
  idempotencyKey: string;
}

export const MAX_BATCH_BYTES = 1024 * 1024;

export function batchKey(prefix: string, items: readonly PendingItem[]): string {
  const indexes = items.map((item) => item.index);
  const digest = createHash('sha256').update(indexes.join(',')).digest('hex').slice(0, 12);
  return `${prefix}:${indexes[0]}-${indexes.at(-1)}:${digest}`;
}

/** The key prefix of one import: kind, file and mapping (visible ASCII, well under 255 characters). */
export function batchKeyPrefix(kind: string, fileSha256: string, mappingSha256: string): string {
  return `import:${kind}:${fileSha256.slice(0, 24)}:${mappingSha256.slice(0, 12)}`;
}

export class Batcher {
  /** The current cap: `limit` at first, smaller after the API took too long (see `slower`). */
  maxItems: number;
  private readonly limit: number;
  private readonly maxBytes: number;
  private readonly prefix: string;
  private items: PendingItem[] = [];
  private bytes = 0;

  constructor(prefix: string, maxItems: number, maxBytes = MAX_BATCH_BYTES) {
    this.prefix = prefix;
    this.limit = maxItems;
    this.maxItems = maxItems;
    this.maxBytes = maxBytes;
  }

  /**
   * The API timed out on a batch (a function's time limit, the gateway's 30 s): the batches cut
   * from now on are half as big (at least 5 items). A batch already cut keeps its items — its
   * retry must carry its Idempotency-Key, so the same items — and finishes on retry, because the
   * items committed before the timeout come back `existing` at once.
   */
  slower(): number {
    this.maxItems = Math.max(5, Math.floor(this.maxItems / 2));
    return this.maxItems;
  }

  /** A batch went through at the first attempt: grow back slowly (additive increase, up to the limit). */
  faster(): void {
    this.maxItems = Math.min(this.limit, this.maxItems + Math.max(1, Math.floor(this.limit / 20)));
  }

  /** Adds an item; returns the batches it completes (none, mostly). */
  add(item: PendingItem): Batch[] {
    const size = Buffer.byteLength(JSON.stringify(item.body)) + 1;
    const complete: Batch[] = [];
    if (this.items.length && this.bytes + size > this.maxBytes) complete.push(this.flush() as Batch);
    this.items.push(item);
    this.bytes += size;
    if (this.items.length >= this.maxItems) complete.push(this.flush() as Batch);
    return complete;
  }

  /** The batch of what is left, if anything. */
  flush(): Batch | undefined {
    if (!this.items.length) return undefined;
    const batch = { items: this.items, idempotencyKey: batchKey(this.prefix, this.items) };
    this.items = [];
    this.bytes = 0;
    return batch;
  }
}
