import { evaluateOrder } from '../workflow/evaluation';
import { UnprocessableOrderError } from './errors';
import type { HistoryOrder } from './history-schema';
import type { Actor, Order, OrderLine } from './schemas';
import type { OrderStatus } from './status';

/**
 * A past order as Orderly keeps it, built from what the old system says happened (pure: the input
 * and what the catalogue knows in, the order and its timeline out). It has the normal order shape,
 * so every list, filter, report and aggregate reads it as it reads a live one:
 * - `createdAt` is the order's own date and `number` its own reference; the lines keep the prices
 *   charged then (never today's catalogue price), with line totals and totals computed here, in
 *   integer minor units;
 * - the timeline holds one event per date given, of the types the live lifecycle writes, at those
 *   dates; the closing evaluation is computed from them by the function the live close uses;
 * - `imported: true` and `importedAt` set it apart; it never had approval levels, stock
 *   reservations, shipments by carrier or a fulfilment partner, so it has none of them.
 */
export interface HistoryEvent {
  seq: number;
  type: string;
  status: OrderStatus;
  at: string;
  details?: Record<string, unknown>;
}

/** Who acted on imported history: the import itself (the old system's people are not known here). */
export const IMPORT_ACTOR: Actor = { type: 'system', id: 'history-import' };

export interface CatalogueProduct {
  productId: string;
  name: string;
  category: string;
}

export interface HistoryContext {
  orderId: string;
  customerId: string;
  customerCountry?: string;
  products: ReadonlyMap<string, CatalogueProduct>;
  /** Who imports, and when. */
  importedBy: string;
  importedAt: string;
  /** How the item's fields are named in problems: `body.items.<i>`. */
  field: string;
}

const utc = (instant: string) => new Date(instant).toISOString();
const BPS = 10_000n;

export function buildHistoryOrder(
  input: HistoryOrder,
  context: HistoryContext,
): {
  order: Order;
  events: HistoryEvent[];
} {
  const lines = priceLines(input, context);
  const totals = lines.reduce(
    (sum, line) => ({
      subtotal: sum.subtotal + BigInt(line.unitPriceMinor) * BigInt(line.quantity),
      discount: sum.discount + BigInt(line.discountMinor),
    }),
    { subtotal: 0n, discount: 0n },
  );
  const totalMinor = safe(totals.subtotal - totals.discount, `${context.field}.lines`);
  const orderedAt = utc(input.orderedAt);
  const dates = {
    approvedAt: input.approvedAt && utc(input.approvedAt),
    shippedAt: input.shippedAt && utc(input.shippedAt),
    deliveredAt: input.deliveredAt && utc(input.deliveredAt),
  };
  const reason = input.cancellationReason;

  const events: HistoryEvent[] = [
    {
      seq: 1,
      type: 'ORDER_SUBMITTED',
      status: 'SUBMITTED',
      at: orderedAt,
      details: {
        number: input.externalRef,
        totalMinor,
        currency: input.currency,
        lines: lines.length,
        externalRef: input.externalRef,
      },
    },
  ];
  const add = (type: string, status: OrderStatus, at: string, details?: Record<string, unknown>) =>
    events.push({ seq: events.length + 1, type, status, at, ...(details ? { details } : {}) });
  if (dates.approvedAt) add('APPROVAL_GRANTED', 'APPROVED', dates.approvedAt);
  if (dates.shippedAt) add('SHIPPED', 'SHIPPED', dates.shippedAt);
  if (dates.deliveredAt) add('DELIVERED', 'DELIVERED', dates.deliveredAt, { deliveredAt: dates.deliveredAt });
  // A final date not given is the last one that is: the order ended no earlier than it was last seen.
  const lastSeen = events.at(-1)?.at as string;

  const order: Order = {
    id: context.orderId,
    number: input.externalRef,
    customerId: context.customerId,
    currency: input.currency,
    lines,
    totals: {
      subtotalMinor: safe(totals.subtotal, `${context.field}.lines`),
      // Each line's discount is at most its gross (the schema), so the discounts never exceed the subtotal checked above.
      discountMinor: Number(totals.discount),
      totalMinor,
    },
    total: { amountMinor: totalMinor, currency: input.currency },
    ...(input.promisedDeliveryDate ? { promisedDeliveryDate: input.promisedDeliveryDate } : {}),
    ...(input.needIds?.length ? { needIds: input.needIds } : {}),
    externalRef: input.externalRef,
    status: input.status,
    statusChangedAt: lastSeen,
    createdBy: context.importedBy,
    ...(dates.deliveredAt ? { deliveredAt: dates.deliveredAt } : {}),
    ...(context.customerCountry ? { customerCountry: context.customerCountry } : {}),
    imported: true,
    importedAt: context.importedAt,
    createdAt: orderedAt,
    updatedAt: context.importedAt,
    version: 1,
  };

  if (input.status === 'CLOSED') {
    const closedAt = input.closedAt ? utc(input.closedAt) : lastSeen;
    // As the live close does: from the events before closing, at the closing time.
    const evaluation = evaluateOrder(order, events, new Date(closedAt));
    add('ORDER_CLOSED', 'CLOSED', closedAt, {
      cycleSeconds: evaluation.cycleSeconds,
      onTime: evaluation.onTime,
      approvalSlaMet: evaluation.approvalSlaMet,
      escalations: evaluation.escalations,
    });
    order.evaluation = evaluation;
    if (input.feedback) order.feedback = { ...input.feedback, by: IMPORT_ACTOR.id, at: closedAt };
  } else if (input.status === 'CANCELLED') {
    const at = input.cancelledAt ? utc(input.cancelledAt) : lastSeen;
    const why = reason ?? 'Cancelled before the order was imported';
    add('ORDER_CANCELLED', 'CANCELLED', at, { code: 'CANCELLED_BY_USER', reason: why });
    order.cancellation = { code: 'CANCELLED_BY_USER', reason: why, by: IMPORT_ACTOR, at };
  } else {
    const at = input.rejectedAt ? utc(input.rejectedAt) : lastSeen;
    const why = reason ?? 'Rejected before the order was imported';
    add('APPROVAL_REJECTED', 'REJECTED', at, { comment: why });
    order.rejection = { by: IMPORT_ACTOR.id, at, comment: why, level: 1 };
  }
  const final = events.at(-1) as HistoryEvent;
  order.statusChangedAt = final.at;
  // Each event is numbered by the order version it produced, as live timelines are.
  order.version = final.seq;
  return { order, events };
}

/** The lines as charged: catalogue name and category, the client's prices, totals computed here. */
function priceLines(input: HistoryOrder, context: HistoryContext): OrderLine[] {
  const unknown = input.lines.flatMap((line, i) =>
    context.products.has(line.sku)
      ? []
      : [{ field: `${context.field}.lines.${i}.sku`, message: `no product with SKU '${line.sku}'` }],
  );
  if (unknown.length)
    throw new UnprocessableOrderError(
      'unknown-sku',
      'A line names a product the catalogue does not have',
      unknown,
    );
  return input.lines.map((line, i) => {
    const product = context.products.get(line.sku) as CatalogueProduct;
    const gross = BigInt(line.unitPriceMinor) * BigInt(line.quantity);
    const discount = BigInt(line.discountMinor ?? 0);
    const field = `${context.field}.lines.${i}`;
    return {
      lineNo: i + 1,
      sku: line.sku,
      productId: product.productId,
      name: product.name,
      category: product.category,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      // What the discount was, as the live lines say it (rounded half up): the amount is the truth.
      discountBps: gross === 0n ? 0 : Number((discount * BPS + gross / 2n) / gross),
      discountMinor: safe(discount, field),
      lineTotalMinor: safe(gross - discount, field),
    };
  });
}

function safe(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER))
    throw new UnprocessableOrderError('order-too-large', 'The order total is too large', [
      { field, message: 'the amount exceeds what can be represented exactly' },
    ]);
  return Number(value);
}
