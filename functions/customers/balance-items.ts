import type { TransactItem } from '../orders/store';
import { domainTableName } from '../shared/db/client';
import { customerKey } from './store';

/**
 * The customer's credit exposure, kept on the customer item and changed in the same transaction
 * as the order transition that causes it: `openBalanceMinor` counts approved orders until they
 * close or are cancelled; `closedOrders` tells a new customer from a returning one.
 */
export const changeOpenBalance = (
  tenantId: string,
  customerId: string,
  deltaMinor: number,
): TransactItem => ({
  Update: {
    TableName: domainTableName(),
    Key: customerKey(tenantId, customerId),
    UpdateExpression: 'ADD #open :delta',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#open': 'openBalanceMinor' },
    ExpressionAttributeValues: { ':delta': deltaMinor },
  },
});

export const closeOrderOnCustomer = (
  tenantId: string,
  customerId: string,
  totalMinor: number,
): TransactItem => ({
  Update: {
    TableName: domainTableName(),
    Key: customerKey(tenantId, customerId),
    UpdateExpression: 'ADD #open :minus, #closed :one',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#open': 'openBalanceMinor', '#closed': 'closedOrders' },
    ExpressionAttributeValues: { ':minus': -totalMinor, ':one': 1 },
  },
});

/** The credit facts approval rules look at, read from the stored customer item. */
export function creditFacts(item: Record<string, unknown>, currency: string) {
  const limit = item.creditLimit as { amountMinor: number; currency: string } | undefined;
  return {
    creditLimitMinor: limit && limit.currency === currency ? limit.amountMinor : null,
    openBalanceMinor: Number(item.openBalanceMinor ?? 0),
    newCustomer: Number(item.closedOrders ?? 0) === 0,
  };
}
