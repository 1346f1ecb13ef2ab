/**
 * Reads until it finds something, a few times over ~250 ms. After a transaction is cancelled by
 * a `TransactionConflict`, the transaction that won may not have committed yet: what it writes
 * (the owner of a unique value, an idempotency record) appears a moment later.
 */
export async function settled<T>(read: () => Promise<T | undefined>, attempts = 5): Promise<T | undefined> {
  for (let i = 0; ; i++) {
    const found = await read();
    if (found !== undefined || i + 1 >= attempts) return found;
    await new Promise((resolve) => setTimeout(resolve, 25 * (i + 1)));
  }
}
