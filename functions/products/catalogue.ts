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
      expression: 'id, sku, #name, category, unitPrice, active, available',
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
      },
    ]),
  );
}
