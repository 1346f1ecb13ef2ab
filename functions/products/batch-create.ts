import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, domainTableName } from '../shared/db/client';
import { settled } from '../shared/db/settled';
import { type BatchRequest, type BatchResult, runBatch } from '../shared/http/batch';
import { ConflictError } from '../shared/http/errors';
import { ProductCreate } from './schemas';
import { createProduct, skuKey } from './store';

/**
 * `POST /v1/products/batch`: each item created as `POST /v1/products` creates one (the product and
 * its SKU claim in one transaction, with the item's idempotency record). An item whose SKU the
 * tenant has is `existing` with that product's id: the SKU is the product's natural key, so a
 * re-import is a no-op (and changes nothing on the product: prices move by PATCH, audited).
 */
export function createProductBatch(request: BatchRequest, items: readonly unknown[]): Promise<BatchResult> {
  const { tenantId } = request.principal;
  const now = request.now.toISOString();
  return runBatch(request, items, ProductCreate, async (product, _index, claim) => {
    try {
      return { outcome: 'created', id: (await createProduct(tenantId, product, now, claim)).id };
    } catch (error) {
      if (!(error instanceof ConflictError && ['sku-taken', 'sku-contended'].includes(error.type)))
        throw error;
      // Another item or request claimed the SKU (two items of one batch may name it): once that
      // claim has committed its owner reads at once, or a moment later.
      const owner = await settled(() => skuOwner(tenantId, product.sku));
      if (owner === undefined) throw error;
      return { outcome: 'existing', id: owner };
    }
  });
}

/** The product that holds a SKU, read strongly consistent (the claim that refused an item just committed). */
async function skuOwner(tenantId: string, sku: string): Promise<string | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: skuKey(tenantId, sku),
      ProjectionExpression: 'productId',
      ConsistentRead: true,
    }),
  );
  return Item?.productId as string | undefined;
}
