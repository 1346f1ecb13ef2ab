import type { Reservation } from '../orders/schemas';
import { type OrderRecord, TransitionCancelledError } from '../orders/store';
import { reserveStock } from '../products/stock-items';
import { insufficientStock } from './errors';
import { changeOrderStep } from './store';

/** Items of a transition's transaction before its `also` items: the order and its event. */
const FIRST_ALSO_ITEM = 2;

/**
 * APPROVED → STOCK_RESERVED: every line's quantity set aside in the same transaction as the
 * order's transition, each under the condition that it is available. All lines or none, and no
 * concurrency can oversell. A line that cannot be reserved throws InsufficientStock naming its
 * SKU, with nothing reserved.
 */
export async function reserveOrderStock(
  tenantId: string,
  order: OrderRecord,
  now: Date,
): Promise<OrderRecord> {
  const reservations: Reservation[] = order.lines.map((l) => ({
    sku: l.sku,
    productId: l.productId,
    quantity: l.quantity,
  }));
  try {
    return await changeOrderStep(tenantId, order, {
      toStatus: 'STOCK_RESERVED',
      set: { reservations },
      event: {
        type: 'STOCK_RESERVED',
        actor: { type: 'system', id: 'workflow' },
        details: { reservations: reservations.map(({ sku, quantity }) => ({ sku, quantity })) },
      },
      also: reservations.map((r) => reserveStock(tenantId, r.productId, r.quantity)),
      now: now.toISOString(),
    });
  } catch (error) {
    if (error instanceof TransitionCancelledError) {
      const short = reservations.filter(
        (_, i) => error.reasons[FIRST_ALSO_ITEM + i] === 'ConditionalCheckFailed',
      );
      if (short.length) throw insufficientStock(short.map((r) => r.sku));
    }
    throw error;
  }
}

/**
 * Many orders for one SKU (or one customer) change at once: each collision is retried in the task
 * with jittered backoff before the workflow's own Retry is asked, so a busy SKU does not end in
 * compensation.
 */
export const CONTENDED_ATTEMPTS = 10;
