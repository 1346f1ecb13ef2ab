import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditContext, auditedUpdate } from '../audit/audited-update';
import { documentClient, domainTableName } from '../shared/db/client';
import { collectionKey, entityKey } from '../shared/db/keys';
import { listCollection } from '../shared/db/list-collection';
import { WriteCancelledError, writeItems } from '../shared/db/write-items';
import { ConflictError, NotFoundError } from '../shared/http/errors';
import { type IdempotencyClaim, NO_CLAIM } from '../shared/idempotency/claim';
import { newId } from '../shared/ids';
import {
  MAX_ON_HAND,
  type Product,
  type ProductCreate,
  type ProductPatch,
  type StockAdjustment,
} from './schemas';
import { PRODUCT_TERMS, termsTracking } from './terms-tracking';

/**
 * Product access patterns. Each is one DynamoDB request.
 *
 * Stock lives on the product item as top-level numbers `onHand`, `reserved` and `available`
 * (= onHand − reserved). `available` is stored, not derived, because condition expressions
 * cannot do arithmetic: "may this decrease happen" must be a comparison with one attribute.
 */
const ENTITY = 'PRODUCT';
const SKU_ENTITY = 'SKU';
const COLLECTION = 'PRODUCTS';

export const productKey = (tenantId: string, productId: string) => entityKey(tenantId, ENTITY, productId);

/** Holds `{ productId }`; its existence is what makes a SKU taken within a tenant. */
export const skuKey = (tenantId: string, sku: string) => entityKey(tenantId, SKU_ENTITY, sku);

/** Builds the product from its item field by field: keys and internal attributes never leave the store. */
function toProduct(item: Record<string, unknown>): Product {
  return {
    id: item.id,
    sku: item.sku,
    name: item.name,
    ...(item.description === undefined ? {} : { description: item.description }),
    category: item.category,
    unitPrice: item.unitPrice,
    active: item.active,
    stock: { onHand: item.onHand, reserved: item.reserved, available: item.available },
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    version: item.version,
  } as Product;
}

/** Writes the product and claims its SKU in one transaction: both or neither. */
export async function createProduct(
  tenantId: string,
  input: ProductCreate,
  now: string,
  claim: IdempotencyClaim = NO_CLAIM,
): Promise<Product> {
  const { stock, ...catalogue } = input;
  const id = newId();
  const item = {
    ...productKey(tenantId, id),
    collectionPk: collectionKey(tenantId, COLLECTION),
    collectionSk: id,
    entity: ENTITY,
    tenantId,
    id,
    ...catalogue,
    onHand: stock.onHand,
    reserved: 0,
    available: stock.onHand,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: domainTableName(),
              Item: item,
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: domainTableName(),
              Item: { ...skuKey(tenantId, input.sku), entity: SKU_ENTITY, tenantId, productId: id },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...claim.items(id),
        ],
      }),
    );
  } catch (error) {
    const skuReason =
      error instanceof TransactionCanceledException ? error.CancellationReasons?.[1]?.Code : undefined;
    if (skuReason === 'ConditionalCheckFailed') {
      throw new ConflictError(
        'sku-taken',
        'The SKU is taken',
        `A product with SKU '${input.sku}' already exists.`,
        {
          sku: input.sku,
        },
      );
    }
    if (skuReason === 'TransactionConflict') {
      // Another request is writing the same SKU item right now, most likely creating the same SKU.
      throw new ConflictError(
        'sku-contended',
        'The SKU is being written by another request',
        `Another request is creating a product with SKU '${input.sku}'; retry shortly.`,
        { sku: input.sku },
      );
    }
    throw error;
  }
  return toProduct(item);
}

export async function getProduct(tenantId: string, productId: string): Promise<Product> {
  const result = await documentClient.send(
    new GetCommand({ TableName: domainTableName(), Key: productKey(tenantId, productId) }),
  );
  if (!result.Item) throw new NotFoundError('Product', productId);
  return toProduct(result.Item);
}

/** The id of the tenant's product with this SKU, if any: order lines name products by SKU. */
export async function productIdForSku(tenantId: string, sku: string): Promise<string | undefined> {
  const result = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: skuKey(tenantId, sku),
      ProjectionExpression: 'productId',
    }),
  );
  return result.Item?.productId as string | undefined;
}

export async function listProducts(tenantId: string, limit: number, cursor: string | undefined) {
  const page = await listCollection({
    tableName: domainTableName(),
    tenantId,
    collection: COLLECTION,
    limit,
    cursor,
  });
  return { items: page.items.map(toProduct), nextCursor: page.nextCursor };
}

/**
 * Catalogue fields only (the schema admits no `sku` and no stock), guarded by the version. A change
 * of commercial terms (price, category, `active`) is audited in the same transaction and leaves on
 * the product who changed terms when, and the price it had before (what approval rules compare with).
 */
export async function updateProduct(
  tenantId: string,
  productId: string,
  expectedVersion: number,
  patch: ProductPatch,
  now: string,
  context: AuditContext,
): Promise<Product> {
  const item = await auditedUpdate({
    tableName: domainTableName(),
    key: productKey(tenantId, productId),
    resource: 'Product',
    id: productId,
    auditResource: `product/${productId}`,
    expectedVersion,
    patch,
    now,
    context,
    audited: PRODUCT_TERMS,
    tracking: (current) => termsTracking(current, patch, context.actor, now),
  });
  return toProduct(item);
}

/**
 * Moves stock in one conditional `UpdateItem`: the condition is checked and the sum applied
 * atomically by DynamoDB, so concurrent adjustments neither lose updates nor oversell. A
 * decrease needs `available ≥ −delta`, which keeps onHand ≥ reserved ≥ 0.
 *
 * Stock moves do not bump `version`: the version (ETag) guards the catalogue fields, and a
 * price edit must not fail with 412 because units were picked in the meantime.
 *
 * The adjustment itself (delta, reason, note) is kept as `lastStockAdjustment`, so the item's
 * change stream carries why each movement happened.
 */
export async function adjustStock(
  tenantId: string,
  productId: string,
  adjustment: StockAdjustment,
  now: string,
  claim: IdempotencyClaim = NO_CLAIM,
): Promise<Product> {
  const need = Math.max(0, -adjustment.delta);
  const ceiling = MAX_ON_HAND - Math.max(0, adjustment.delta);
  const update = {
    TableName: domainTableName(),
    Key: productKey(tenantId, productId),
    UpdateExpression:
      'SET #onHand = #onHand + :d, #available = #available + :d, #updatedAt = :now, #last = :last',
    ConditionExpression: 'attribute_exists(pk) AND #available >= :need AND #onHand <= :ceiling',
    ExpressionAttributeNames: {
      '#onHand': 'onHand',
      '#available': 'available',
      '#updatedAt': 'updatedAt',
      '#last': 'lastStockAdjustment',
    },
    ExpressionAttributeValues: {
      ':d': adjustment.delta,
      ':need': need,
      ':ceiling': ceiling,
      ':now': now,
      ':last': { ...adjustment, at: now },
    },
  };
  const recorded = claim.items(productId);
  if (recorded.length) {
    // With an Idempotency-Key the adjustment and its record commit together; a transaction
    // returns no values, so the product is read back (strongly consistent).
    try {
      await writeItems([{ Update: update }, ...recorded]);
    } catch (error) {
      if (error instanceof WriteCancelledError && error.reasons[0] === 'ConditionalCheckFailed') {
        throw stockRefused(productId, need, await getProductItem(tenantId, productId));
      }
      throw error;
    }
    const item = await getProductItem(tenantId, productId);
    if (!item) throw new NotFoundError('Product', productId);
    return toProduct(item);
  }
  try {
    const result = await documentClient.send(
      new UpdateCommand({
        ...update,
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return toProduct(result.Attributes ?? {});
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      const old = error.Item;
      throw stockRefused(
        productId,
        need,
        old && { available: Number(old.available?.N), onHand: Number(old.onHand?.N) },
      );
    }
    throw error;
  }
}

async function getProductItem(tenantId: string, productId: string) {
  const result = await documentClient.send(
    new GetCommand({
      TableName: domainTableName(),
      Key: productKey(tenantId, productId),
      ConsistentRead: true,
    }),
  );
  return result.Item;
}

/** Why a stock adjustment's condition failed, from the product as it was. */
function stockRefused(productId: string, need: number, item: Record<string, unknown> | undefined) {
  if (!item) return new NotFoundError('Product', productId);
  const available = Number(item.available);
  if (available < need) {
    return new ConflictError(
      'insufficient-stock',
      'Not enough stock available',
      `Cannot remove ${need} units: only ${available} are available.`,
      { available },
    );
  }
  return new ConflictError(
    'stock-limit',
    'Stock would exceed the limit',
    `Stock on hand may not exceed ${MAX_ON_HAND} units.`,
    { onHand: Number(item.onHand), limit: MAX_ON_HAND },
  );
}
