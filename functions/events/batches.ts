import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

/** PutEvents takes at most 10 entries, of at most 256 KB together (as EventBridge counts them). */
export const MAX_ENTRIES = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

/** An entry's size as EventBridge computes it against the request limit. */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text ? Buffer.byteLength(text, 'utf8') : 0);
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

/**
 * Consecutive groups of `items`, in order, each a PutEvents request: at most 10 entries within
 * the size limit. An entry too large for any request is a group of its own (EventBridge fails it).
 */
export function batchesOf<T>(items: readonly T[], entryOf: (item: T) => PutEventsRequestEntry): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = entrySize(entryOf(item));
    if (current.length && (current.length === MAX_ENTRIES || bytes + size > MAX_REQUEST_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) batches.push(current);
  return batches;
}
