import { decide } from '../approvals/engine';
import { getRuleSet } from '../approvals/store';
import { OrderChangedError } from '../orders/errors';
import { getOrderRecord, type OrderRecord, TransitionCancelledError, withOrderRetry } from '../orders/store';
import { taskHandler } from '../shared/task/handler';
import { decisionChange } from './decision';
import { customerMissing } from './errors';
import { orderFacts } from './facts';
import { OrderTaskInput } from './inputs';
import { CONTENDED_ATTEMPTS, reserveOrderStock } from './reservation';
import { stepFor } from './steps';
import { changeOrderStep, getCustomerItem } from './store';

/**
 * Advance — where every execution starts. A SUBMITTED order is decided by the tenant's approval
 * rules (auto-approve, require approval, auto-reject); an APPROVED one (just auto-approved, or
 * found so by a restarted execution) has its stock reserved right here, which spares the happy
 * path the ReserveStock state. Any other order is routed on its stored status. DynamoDB: a
 * decision is 4 requests (order, customer and rule set GetItem; one transaction), its reservation
 * one more transaction; a route is 1 GetItem.
 */
export const handler = taskHandler('advanceOrder', OrderTaskInput, async ({ tenantId, orderId }, now) =>
  withOrderRetry(async () => {
    let order = await getOrderRecord(tenantId, orderId);
    if (order.status === 'SUBMITTED' && !order.cancelRequest)
      order = await decideApproval(tenantId, order, now);
    if (order.status === 'APPROVED' && !order.cancelRequest)
      order = await reserveOrderStock(tenantId, order, now);
    return stepFor(tenantId, order, now);
  }, CONTENDED_ATTEMPTS),
);

/** The customer item's place in an auto-approval's transaction: after the order and its event. */
const CUSTOMER_ITEM = 2;

async function decideApproval(tenantId: string, order: OrderRecord, now: Date): Promise<OrderRecord> {
  const customer = await getCustomerItem(tenantId, order.customerId);
  if (!customer) throw customerMissing();
  const facts = orderFacts(order, customer);
  const rules = await getRuleSet(tenantId);
  const decision = decide(rules.ruleSet, facts);
  try {
    return await changeOrderStep(
      tenantId,
      order,
      decisionChange(tenantId, order, decision, facts, rules.version, now),
    );
  } catch (error) {
    // The customer's credit is no longer what the facts saw (another approval used the room, or the
    // limit changed): decide again on fresh facts. After CONTENDED_ATTEMPTS this leaves as
    // TransientError, and the definition's Retry runs Advance again: the order is never lost.
    if (
      error instanceof TransitionCancelledError &&
      error.reasons[CUSTOMER_ITEM] === 'ConditionalCheckFailed'
    ) {
      throw new OrderChangedError(order.id);
    }
    throw error;
  }
}
