import assert from 'node:assert/strict';
import type { ApiClient, ApiResponse } from './twin';

export interface KeyedCreate {
  key: string;
  body: { customerId: string; currency: string; lines: { sku: string; quantity: number }[] };
}

/**
 * `count` order creates over `keys` distinct Idempotency-Keys (the first `count - keys` keys are
 * sent twice, at the same time), quantities 1–3 of one SKU.
 */
export function keyedCreates(prefix: string, count: number, keys: number, customerId: string, sku: string) {
  return Array.from({ length: count }, (_, i): KeyedCreate => {
    const k = i % keys;
    return {
      key: `${prefix}-${String(k).padStart(4, '0')}`,
      body: { customerId, currency: 'EUR', lines: [{ sku, quantity: 1 + (k % 3) }] },
    };
  });
}

/**
 * Sends every create at once, then retries each one that did not get its 201 (same key, same
 * body), as a client that saw an error or a reset connection would. Returns the first answers'
 * statuses and each create's final answer.
 */
export async function createWithRetries(api: ApiClient, creates: KeyedCreate[], maxAttempts = 8) {
  const send = (c: KeyedCreate) =>
    api.post('/v1/orders', c.body, { 'idempotency-key': c.key }).catch(
      (error: Error): ApiResponse => ({
        status: 0,
        headers: new Headers(),
        body: { error: error.message },
        text: '',
      }),
    );
  const first = await Promise.all(creates.map(send));
  const final = await Promise.all(
    creates.map(async (c, i) => {
      let response = first[i] as ApiResponse;
      for (let attempt = 1; response.status !== 201 && attempt < maxAttempts; attempt++)
        response = await send(c);
      return response;
    }),
  );
  return { firstStatuses: first.map((r) => r.status), final };
}

/** Every key's creates answered with one order, distinct keys with distinct orders. */
export function assertOneOrderPerKey(creates: KeyedCreate[], final: ApiResponse[]) {
  const byKey = new Map<string, Set<string>>();
  final.forEach((response, i) => {
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const key = (creates[i] as KeyedCreate).key;
    byKey.set(key, (byKey.get(key) ?? new Set()).add(response.body.id));
  });
  for (const [key, ids] of byKey) assert.equal(ids.size, 1, `${key} answered with ${[...ids].join(', ')}`);
  const ids = [...byKey.values()].map((set) => [...set][0]);
  assert.equal(new Set(ids).size, byKey.size);
  return ids as string[];
}

/** Counts statuses by class: `{ '2xx': 12, '5xx': 8, 'reset': 0 }`. */
export function statusClasses(statuses: number[]) {
  const classes: Record<string, number> = {};
  for (const s of statuses) {
    const name = s === 0 ? 'reset' : `${Math.floor(s / 100)}xx`;
    classes[name] = (classes[name] ?? 0) + 1;
  }
  return classes;
}
