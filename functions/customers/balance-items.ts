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

/**
 * What an approval saw of the customer's credit, which the customer item must still show when the
 * approval commits: no limit in the order's currency; a limit the balance stays within with this
 * order; or (an approver's explicit credit override) a limit and the exact balance it goes past.
 */
export type CreditSeen =
  | { kind: 'no-limit' }
  | { kind: 'within-limit'; creditLimitMinor: number }
  | { kind: 'past-limit'; creditLimitMinor: number; openBalanceMinor: number };

/**
 * An approved order's total joins the customer's open balance, in the same transaction as the
 * approval and on condition that the customer's credit is still what the approval was decided
 * on. So the open balance never passes the limit without an explicit override, however many
 * approvals for one customer commit at once: when another approval used the room, or the limit
 * changed (set, raised, lowered, moved to another currency), the transaction fails on this item
 * and the approval is decided again on fresh facts. DynamoDB conditions cannot subtract, so
 * `openBalanceMinor <= limit − total` compares with the difference computed here.
 */
export function addApprovedOrder(
  tenantId: string,
  customerId: string,
  total: { amountMinor: number; currency: string },
  seen: CreditSeen,
): TransactItem {
  const item = changeOpenBalance(tenantId, customerId, total.amountMinor);
  const update = item.Update as NonNullable<TransactItem['Update']>;
  // DynamoDB refuses names an expression does not use: the amount is named only where compared.
  const names: Record<string, string> = {
    ...update.ExpressionAttributeNames,
    '#limit': 'creditLimit',
    '#cur': 'currency',
  };
  const values: Record<string, unknown> = { ...update.ExpressionAttributeValues, ':cur': total.currency };
  let credit: string;
  if (seen.kind === 'no-limit') {
    credit = '(attribute_not_exists(#limit.#cur) OR #limit.#cur <> :cur)';
  } else {
    names['#amount'] = 'amountMinor';
    values[':limit'] = seen.creditLimitMinor;
    const sameLimit = '#limit.#amount = :limit AND #limit.#cur = :cur';
    if (seen.kind === 'within-limit') {
      values[':ceiling'] = seen.creditLimitMinor - total.amountMinor;
      credit = `${sameLimit} AND (attribute_not_exists(#open) OR #open <= :ceiling)`;
    } else {
      values[':seen'] = seen.openBalanceMinor;
      // The override records the balance it went past: that must be the balance it goes past.
      credit = `${sameLimit} AND ${seen.openBalanceMinor === 0 ? '(attribute_not_exists(#open) OR #open = :seen)' : '#open = :seen'}`;
    }
  }
  return {
    Update: {
      ...update,
      ConditionExpression: `${update.ConditionExpression} AND ${credit}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

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
