import { ulid } from 'ulid';
import { type BatchRequest, type BatchResult, runBatch } from '../shared/http/batch';
import { UnprocessableOrderError } from './errors';
import { type HistoryLookup, lookUpHistory } from './history-lookup';
import { buildHistoryOrder } from './history-order';
import { HistoryOrder } from './history-schema';
import { putImportedOrder } from './history-store';
import { needIssues, unknownNeed } from './need-ids';

/**
 * `POST /v1/orders/history`: up to 100 past orders, each imported on its own (one bad order is
 * rejected alone). What the orders refer to — their own references, customers, products, needs —
 * is read once for the whole batch (`history-lookup.ts`); then each valid order not imported yet is
 * one transaction, so re-sending an imported batch writes nothing and costs its lookups only.
 */
export async function importHistory(request: BatchRequest, items: readonly unknown[]): Promise<BatchResult> {
  const { tenantId, userId } = request.principal;
  const valid = items.flatMap((item) => {
    const parsed = HistoryOrder.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
  const lookup = await lookUpHistory(tenantId, valid);
  const importedAt = request.now.toISOString();
  return runBatch(request, items, HistoryOrder, async (input, index, claim) => {
    // Imported before (this request's first attempt, or an earlier import): nothing to write.
    const imported = lookup.orderRefs.get(input.externalRef);
    if (imported !== undefined) return { outcome: 'existing', id: imported };
    const field = `body.items.${index}`;
    const customerId = customerOf(input, lookup, field);
    const needs = needIssues(input.needIds, (id) => lookup.needs.has(id), `${field}.needIds`);
    if (needs.length) throw unknownNeed(needs);
    const country = lookup.customers.get(customerId)?.country;
    const { order, events } = buildHistoryOrder(input, {
      // Its id begins with its own date, as every order's id begins with its creation time: the
      // lists by date (the id-ordered collection included) find it at that date. (Not the
      // monotonic factory: it never goes back in time.)
      orderId: ulid(Date.parse(input.orderedAt)),
      customerId,
      ...(country ? { customerCountry: country } : {}),
      products: lookup.products,
      importedBy: userId,
      importedAt,
      field,
    });
    return putImportedOrder(tenantId, order, events, claim, field);
  });
}

function customerOf(input: HistoryOrder, lookup: HistoryLookup, field: string): string {
  const id = input.customerId ?? lookup.customerRefs.get(input.customerRef as string);
  if (id !== undefined && lookup.customers.has(id)) return id;
  throw new UnprocessableOrderError('unknown-customer', 'The customer does not exist', [
    input.customerId === undefined
      ? { field: `${field}.customerRef`, message: `no customer with externalRef '${input.customerRef}'` }
      : { field: `${field}.customerId`, message: `no customer '${input.customerId}'` },
  ]);
}
