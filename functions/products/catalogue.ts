import { isoInstant, type PriceBefore } from '../approvals/terms';
import { batchGet } from '../shared/db/batch-get';
import { domainTableName } from '../shared/db/client';
import type { Money } from '../shared/money';
import { productKey, skuKey } from './store';

export interface CatalogueEntry {
  productId: string;
  sku: string;
  name: string;
  category: string;
  unitPrice: Money;
  active: boolean;
  /** Units on hand and not reserved, when the catalogue was read (a hint: reservation decides). */
  available: number;
  /** The highest price before the latest price change, in `unitPrice`'s currency (approvals/terms.ts). */
  priceBefore?: PriceBefore;
  /** The latest change of price, category or availability, and who made it. */
  termsChange?: { at: string; by: string };
}

/**
 * The catalogue entries for a set of SKUs, in two BatchGetItem requests (SKU → product id,
 * then the products). SKUs the tenant does not have are simply absent from the map.
 */
export async function catalogueEntries(
  tenantId: string,
  skus: readonly string[],
): Promise<Map<string, CatalogueEntry>> {
  const table = domainTableName();
  const unique = [...new Set(skus)];
  const skuItems = await batchGet(
    table,
    unique.map((sku) => skuKey(tenantId, sku)),
    {
      expression: 'productId',
    },
  );
  const products = await batchGet(
    table,
    skuItems.map((item) => productKey(tenantId, item.productId as string)),
    {
      expression:
        'id, sku, #name, category, unitPrice, active, available, priceBefore, termsChangedAt, termsChangedBy',
      names: { '#name': 'name' },
    },
  );
  return new Map(
    products.map((p) => [
      p.sku as string,
      {
        productId: p.id as string,
        sku: p.sku as string,
        name: p.name as string,
        category: p.category as string,
        unitPrice: p.unitPrice as Money,
        active: p.active !== false,
        available: Number(p.available ?? 0),
        ...termsOf(p),
      },
    ]),
  );
}

/** The price before and the latest terms change, when the item holds them in a usable form. */
function termsOf(item: Record<string, unknown>): Pick<CatalogueEntry, 'priceBefore' | 'termsChange'> {
  const before = item.priceBefore as Partial<PriceBefore> | undefined;
  const changedAt = isoInstant(before?.changedAt);
  const at = isoInstant(item.termsChangedAt);
  return {
    ...(before && typeof before.amountMinor === 'number' && changedAt
      ? { priceBefore: { amountMinor: before.amountMinor, changedAt } }
      : {}),
    ...(at && typeof item.termsChangedBy === 'string'
      ? { termsChange: { at, by: item.termsChangedBy } }
      : {}),
  };
}
