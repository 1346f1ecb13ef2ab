import type { TransactItem } from '../orders/store';
import { domainTableName } from '../shared/db/client';
import { productKey } from './store';

/**
 * Stock movements of an order, as transaction items: the order's transition and every line's
 * movement commit together or not at all. Each condition is checked by DynamoDB inside the
 * transaction, so no concurrency can oversell.
 */
const NAMES = { '#onHand': 'onHand', '#reserved': 'reserved', '#available': 'available' };

const update = (
  tenantId: string,
  productId: string,
  expression: string,
  condition: string,
  quantity: number,
): TransactItem => ({
  Update: {
    TableName: domainTableName(),
    Key: productKey(tenantId, productId),
    UpdateExpression: expression,
    ConditionExpression: `attribute_exists(pk) AND ${condition}`,
    // DynamoDB refuses names an expression does not use.
    ExpressionAttributeNames: Object.fromEntries(
      Object.entries(NAMES).filter(([name]) => `${expression} ${condition}`.includes(name)),
    ),
    ExpressionAttributeValues: { ':q': quantity },
  },
});

/** Sets `quantity` aside for an order: fails unless that many are available. */
export const reserveStock = (tenantId: string, productId: string, quantity: number) =>
  update(
    tenantId,
    productId,
    'SET #reserved = #reserved + :q, #available = #available - :q',
    '#available >= :q',
    quantity,
  );

/** Gives a reservation back (compensation). */
export const releaseStock = (tenantId: string, productId: string, quantity: number) =>
  update(
    tenantId,
    productId,
    'SET #reserved = #reserved - :q, #available = #available + :q',
    '#reserved >= :q',
    quantity,
  );

/** The reserved goods left the warehouse: on hand and reserved both drop, available is unchanged. */
export const shipStock = (tenantId: string, productId: string, quantity: number) =>
  update(
    tenantId,
    productId,
    'SET #onHand = #onHand - :q, #reserved = #reserved - :q',
    '#reserved >= :q',
    quantity,
  );
