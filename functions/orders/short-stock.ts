import type { CatalogueEntry } from '../products/catalogue';
import type { OrderLine, OrderWarning } from './schemas';

/**
 * The lines (one per SKU: pricing refuses a repeated SKU) whose quantity the stock available
 * now cannot fill. Stock is reserved by the workflow once the order is approved: this is what
 * the client can know at once.
 */
export function shortLines(
  lines: readonly Pick<OrderLine, 'lineNo' | 'sku' | 'quantity'>[],
  catalogue: ReadonlyMap<string, Pick<CatalogueEntry, 'available'>>,
): OrderWarning[] {
  return lines.flatMap(({ lineNo, sku, quantity }) => {
    const available = Math.max(0, catalogue.get(sku)?.available ?? 0);
    if (quantity <= available) return [];
    return [
      {
        code: 'insufficient-stock' as const,
        lineNo,
        sku,
        requested: quantity,
        available,
        message: `${quantity} units of ${sku} ordered, ${available} available now. Stock is reserved once the order is approved (at once when approved automatically); if it is still short then, the order is cancelled with INSUFFICIENT_STOCK.`,
      },
    ];
  });
}
