import type { TransactItem } from '../orders/store';
import { domainTableName } from '../shared/db/client';
import { productKey } from './store';

/**
 * Stock movements of an order, as transaction items: the order's transition and every line's
 * movement commit together or not at all. Each condition is checked by DynamoDB inside the
 * transaction, so no concurrency can oversell.
 */

/**
 * Each `#name` the expressions use, for the attribute of the same name: exactly those, as DynamoDB
 * refuses names an expression does not use. (Derived at each call rather than filtered from a
 * module-level table: a table would be a static mutant, which scoped mutation runs cannot judge.)
 */
const namesIn = (expressions: string): Record<string, string> =>
  Object.fromEntries((expressions.match(/#\w+/g) ?? []).map((name) => [name, name.slice(1)]));

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
    ExpressionAttributeNames: namesIn(`${expression} ${condition}`),
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
